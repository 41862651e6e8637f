/**
 * Reads a whole GraphQL operation, before anything runs, into a tree of record reads: each
 * `PlanNode` is one field that yields Twenty records (a root list or lookup, a mutation result,
 * a relation), with its coerced arguments and what its selection reads from those records.
 * Fragments, aliases and `@skip`/`@include` are applied as graphql-js applies them, so every
 * node matches one resolver path of the execution.
 */
import {
  getNamedType,
  GraphQLList,
  isListType,
  isNonNullType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { modelOfType, objectModel, relationOf, type ObjectModel, type RelationModel } from '../model/index.js';
import { argumentsOf, collectSubfields } from './collect.js';
import { entityLookups, keyFieldsOf, representationsByType } from './entities.js';

export type NodeRole = 'rootList' | 'rootOne' | 'mutation' | 'relation' | 'entities';
/** How the field returns its records: a Relay connection, a plain list, or one record. */
export type NodeShape = 'connection' | 'list' | 'one';

/** What a node's selection asks of its records and of its connection. */
export interface NodeSelection {
  /** `edges { node }`, a list's items or the single record are selected. */
  records: boolean;
  totalCount: boolean;
  pageInfo: boolean;
  cursors: boolean;
  /** Twenty fields the selection reads from each record (relations' foreign keys included). */
  fields: Set<string>;
  /** Something reads the whole record (`customFields`). */
  allFields: boolean;
  /** Something needs the workspace metadata (`stageInfo`, `statusInfo`). */
  metadata: boolean;
  /** Report fields selected on each record (`pipeline`): one batched groupBy each. */
  reports: Set<string>;
}

export interface PlanNode {
  id: number;
  /** Response keys from the root without list indices, and the parent type: unique per resolver site. */
  key: string;
  /** The root field's response key this node hangs under. */
  root: string;
  /** This field's own response key (its alias, or its name). */
  responseKey: string;
  fieldName: string;
  parentType: string;
  role: NodeRole;
  shape: NodeShape;
  object: ObjectModel;
  relation?: RelationModel;
  /** Arguments as the resolver receives them (variables and defaults applied). */
  args: Record<string, unknown>;
  parent?: PlanNode;
  children: PlanNode[];
  /** Some list lies between the root and this field: its parents come several at a time. */
  underList: boolean;
  select: NodeSelection;
  /** An `_entities` root (role `entities`): the representations of this node's type. */
  entities?: EntityLookups;
}

/** What an `_entities` field asks of one entity type: its records, and the lookups that find them. */
export interface EntityLookups {
  /** Representations of this type: the records the node yields at most. */
  count: number;
  /** No representation repeats another (each record appears once at this level). */
  distinct: boolean;
  /** The loader reads of the reference resolvers (src/federation/entities.ts): by id, or by a key's value. */
  reads: Array<{ identity: string; keys: number }>;
}

/** A field the planner does not model (another part's root field, …). */
export interface OtherField {
  root: string;
  fieldName: string;
  parentType: string;
}

export interface OperationTree {
  operation: OperationDefinitionNode;
  nodes: PlanNode[];
  roots: PlanNode[];
  /**
   * The subtrees of `_entities` fields (federation), one root per entity type. They are
   * estimated and bound like the rest, and their fields join the operation's `fields=` lists,
   * but they are not sites of the plan: their records come from the reference resolvers, and
   * their relations run as plain per-relation batching (planOperation decides them so).
   */
  entities: PlanNode[];
  /** Root fields outside the object model, counted one call each by the estimate. */
  others: OtherField[];
}

/** Builds the tree, or null when the operation cannot be read (it will fail validation or coercion itself). */
export function readOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): OperationTree {
  const nodes: PlanNode[] = [];
  const roots: PlanNode[] = [];
  const entities: PlanNode[] = [];
  const others: OtherField[] = [];
  const rootType = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!rootType) return { operation, nodes, roots, entities, others };
  /** Where new nodes go: the plan's own nodes, or an `_entities` subtree. */
  let sink = nodes;
  const collect = (type: GraphQLObjectType, fieldNodes: readonly FieldNode[]) => collectSubfields(type, fieldNodes, fragments, variables, schema);

  function addNode(
    init: Omit<PlanNode, 'id' | 'key' | 'children' | 'select'>,
    path: string[],
    fieldNodes: readonly FieldNode[],
    returnType: GraphQLOutputType,
  ): PlanNode {
    const node: PlanNode = {
      ...init,
      id: nodes.length + entities.length,
      key: nodeKey(path, init.parentType),
      children: [],
      select: { records: false, totalCount: false, pageInfo: false, cursors: false, fields: new Set(['id']), allFields: false, metadata: false, reports: new Set() },
    };
    sink.push(node);
    readSelection(node, path, fieldNodes, returnType);
    return node;
  }

  /** Fills `node.select` and its children from the field's selection. */
  function readSelection(node: PlanNode, path: string[], fieldNodes: readonly FieldNode[], returnType: GraphQLOutputType): void {
    const named = getNamedType(returnType) as GraphQLObjectType;
    if (node.shape !== 'connection') {
      node.select.records = true;
      readRecord(node, path, collect(named, fieldNodes));
      return;
    }
    for (const [key, subNodes] of collect(named, fieldNodes)) {
      const name = subNodes[0].name.value;
      if (name === 'totalCount') node.select.totalCount = true;
      else if (name === 'pageInfo') node.select.pageInfo = true;
      else if (name === 'edges') {
        const edgeType = getNamedType(named.getFields().edges.type) as GraphQLObjectType;
        for (const [edgeKey, edgeNodes] of collect(edgeType, subNodes)) {
          const edgeField = edgeNodes[0].name.value;
          if (edgeField === 'cursor') node.select.cursors = true;
          else if (edgeField === 'node') {
            node.select.records = true;
            const nodeType = getNamedType(edgeType.getFields().node.type) as GraphQLObjectType;
            readRecord(node, [...path, key, edgeKey], collect(nodeType, edgeNodes));
          }
        }
      }
    }
  }

  /** The fields selected on one record of `node.object`. */
  function readRecord(node: PlanNode, path: string[], fields: Map<string, FieldNode[]>): void {
    const type = node.object.type;
    const typeDef = schema.getType(type) as GraphQLObjectType;
    for (const [key, fieldNodes] of fields) {
      const name = fieldNodes[0].name.value;
      if (name === '__typename') continue;
      const relation = relationOf(node.object, name);
      const computed = node.object.computed[name];
      if (relation) {
        const fieldDef = typeDef.getFields()[name];
        const target = objectModel(relation.target);
        if (relation.kind === 'toOne') node.select.fields.add(relation.foreignKey);
        const child = addNode(
          {
            root: node.root,
            responseKey: key,
            fieldName: name,
            parentType: type,
            role: 'relation',
            shape: shapeOf(relation),
            object: target,
            relation,
            args: argumentsOf(fieldDef, fieldNodes[0], variables),
            parent: node,
            underList: node.shape !== 'one' || node.underList,
          },
          [...path, key],
          fieldNodes,
          fieldDef.type,
        );
        node.children.push(child);
      } else if (computed) {
        if (computed.metadata) node.select.metadata = true;
        if (computed.report) node.select.reports.add(name);
        for (const read of computed.reads) {
          if (read === '*') node.select.allFields = true;
          else node.select.fields.add(read);
        }
      } else if (node.object.fields.some((f) => f.name === name)) {
        node.select.fields.add(name);
      }
    }
  }

  for (const [key, fieldNodes] of collect(rootType, [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '' }, selectionSet: operation.selectionSet } as FieldNode])) {
    const name = fieldNodes[0].name.value;
    if (name === '__typename' || name.startsWith('__')) continue;
    const fieldDef = rootType.getFields()[name];
    if (name === '_entities' && fieldDef && operation.operation === 'query') {
      sink = entities;
      const unknown = readEntities(key, fieldDef, fieldNodes);
      sink = nodes;
      if (unknown) others.push({ root: key, fieldName: name, parentType: rootType.name });
      continue;
    }
    const model = fieldDef && (modelOfType(getNamedType(fieldDef.type).name) ?? modelOfType(connectionNodeType(fieldDef.type)));
    if (!fieldDef || !model) {
      others.push({ root: key, fieldName: name, parentType: rootType.name });
      continue;
    }
    const connection = getNamedType(fieldDef.type).name.endsWith('Connection');
    const list = !connection && isListType(isNonNullType(fieldDef.type) ? fieldDef.type.ofType : fieldDef.type);
    const role: NodeRole = operation.operation === 'mutation' ? 'mutation' : connection ? 'rootList' : 'rootOne';
    roots.push(
      addNode(
        {
          root: key,
          responseKey: key,
          fieldName: name,
          parentType: rootType.name,
          role,
          shape: connection ? 'connection' : list ? 'list' : 'one',
          object: model,
          args: argumentsOf(fieldDef, fieldNodes[0], variables),
          underList: false,
        },
        [key],
        fieldNodes,
        fieldDef.type,
      ),
    );
  }
  return { operation, nodes, roots, entities, others };

  /**
   * One node per entity type an `_entities` field is asked for, with that type's selection (the
   * `... on Company { … }` fragments) and its representations' lookups. Returns whether some
   * representation names a type outside the model (one call more, as any other field).
   */
  function readEntities(key: string, fieldDef: GraphQLField<unknown, unknown>, fieldNodes: FieldNode[]): boolean {
    const args = argumentsOf(fieldDef, fieldNodes[0], variables) as { representations?: unknown };
    const { byType, unknown } = representationsByType(schema, args.representations);
    for (const [typename, list] of byType) {
      const model = modelOfType(typename)!;
      const type = schema.getType(typename) as GraphQLObjectType;
      const node = addNode(
        { root: key, responseKey: key, fieldName: '_entities', parentType: rootType!.name, role: 'entities', shape: 'list', object: model, args: {}, underList: false },
        [key],
        fieldNodes,
        new GraphQLList(type),
      );
      node.entities = entityLookups(model, list);
      for (const field of keyFieldsOf(model, list)) node.select.fields.add(field);
    }
    return unknown;
  }
}

/** The plan's nodes, then the `_entities` subtrees: parents before children. */
export const allNodes = (tree: OperationTree): PlanNode[] => (tree.entities.length > 0 ? [...tree.nodes, ...tree.entities] : tree.nodes);

/** The key a resolver finds its node by: response keys without list indices, and its parent type. */
export function nodeKey(path: readonly string[], parentType: string): string {
  return `${path.join('.')}@${parentType}`;
}

const shapeOf = (relation: RelationModel): NodeShape =>
  relation.kind === 'toOne' ? 'one' : relation.kind === 'oneToMany' && relation.list ? 'list' : 'connection';

/** `CompanyConnection` → `Company` (a connection's node type), else ''. */
function connectionNodeType(type: GraphQLOutputType): string {
  const name = getNamedType(type).name;
  return name.endsWith('Connection') ? name.slice(0, -'Connection'.length) : '';
}
