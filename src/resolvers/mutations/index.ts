import type { MutationResolvers } from '../../generated/graphql.js';
import type { RequestContext } from '../../context.js';
import { COMPANY, NOTE, OPPORTUNITY, PERSON, TASK, type WritableObject } from './objects.js';
import { createMany, createOne, destroyOne, restoreOne, softDeleteOne, updateOne } from './operations.js';

type Input = Record<string, unknown>;
type Names<T extends string, P extends string> =
  | `create${T}`
  | `create${P}`
  | `update${T}`
  | `delete${T}`
  | `destroy${T}`
  | `restore${T}`;

/** The six mutations of one object (`createCompany`, `createCompanies`, `updateCompany`, …). */
function resolversFor<T extends WritableObject['type'], P extends WritableObject['typePlural']>(
  object: WritableObject & { type: T; typePlural: P },
): Pick<Required<MutationResolvers>, Names<T, P>> {
  const { type, typePlural } = object;
  const resolvers = {
    [`create${type}`]: (_: unknown, { input }: { input: Input }, ctx: RequestContext) => createOne(ctx, object, input),
    [`create${typePlural}`]: (_: unknown, { inputs }: { inputs: Input[] }, ctx: RequestContext) =>
      createMany(ctx, object, inputs),
    [`update${type}`]: (_: unknown, { id, input }: { id: string; input: Input }, ctx: RequestContext) =>
      updateOne(ctx, object, id, input),
    [`delete${type}`]: (_: unknown, { id }: { id: string }, ctx: RequestContext) => softDeleteOne(ctx, object, id),
    [`destroy${type}`]: (_: unknown, { id }: { id: string }, ctx: RequestContext) => destroyOne(ctx, object, id),
    [`restore${type}`]: (_: unknown, { id }: { id: string }, ctx: RequestContext) => restoreOne(ctx, object, id),
  };
  // Computed keys widen to `string`; the names are built from the same literals as the return
  // type, and the generated input types are checked field by field by the mapper.
  return resolvers as unknown as Pick<Required<MutationResolvers>, Names<T, P>>;
}

/**
 * Every mutation of `schema/mutations.graphql`; merged into `resolvers` by src/resolvers/index.ts.
 * Typed as `Required<…>` so a mutation added to the SDL without a table row fails to compile.
 */
export const mutationResolvers: Required<MutationResolvers> = {
  ...resolversFor(COMPANY),
  ...resolversFor(PERSON),
  ...resolversFor(OPPORTUNITY),
  ...resolversFor(NOTE),
  ...resolversFor(TASK),
};
