/**
 * The pieces of graphql-js's execution the planner repeats before execution, so that its tree
 * matches what runs: field collection and argument coercion.
 */
import {
  getArgumentValues,
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

export function argumentsOf(fieldDef: GraphQLField<unknown, unknown>, fieldNode: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  try {
    return getArgumentValues(fieldDef, fieldNode, variables);
  } catch {
    // Invalid arguments fail in execution with graphql-js's own message; plan as if absent.
    return {};
  }
}

/**
 * graphql-js's field collection (spec "CollectFields") over the selection sets of several
 * field nodes that share a response key: fragments spread once, `@skip`/`@include` applied,
 * type conditions checked against the one object type (`_entities`' union included).
 */
export function collectSubfields(
  type: GraphQLObjectType,
  fieldNodes: readonly FieldNode[],
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  schema: GraphQLSchema,
): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visited = new Set<string>();
  const included = (node: { directives?: readonly unknown[] } & Parameters<typeof getDirectiveValues>[1]) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  const applies = (condition: string | undefined) => {
    if (!condition) return true;
    const conditional = schema.getType(condition);
    if (!conditional) return false;
    if (conditional === type) return true;
    return isAbstractType(conditional) && schema.isSubType(conditional, type);
  };
  const walk = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const list = fields.get(key);
        if (list) list.push(selection);
        else fields.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value)) walk(selection.selectionSet);
      } else {
        const name = selection.name.value;
        if (visited.has(name)) continue;
        visited.add(name);
        const fragment = fragments[name];
        if (fragment && applies(fragment.typeCondition.name.value)) walk(fragment.selectionSet);
      }
    }
  };
  for (const fieldNode of fieldNodes) walk(fieldNode.selectionSet);
  return fields;
}
