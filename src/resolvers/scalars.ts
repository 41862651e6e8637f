import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';

const literal = (ast: ValueNode): unknown => (ast.kind === Kind.STRING || ast.kind === Kind.INT ? ast.value : undefined);

function isoScalar(name: string, description: string, pattern: RegExp) {
  const parse = (value: unknown): string => {
    if (typeof value === 'string' && pattern.test(value) && !Number.isNaN(Date.parse(value))) return value;
    throw new GraphQLError(`${name} must be an ISO-8601 string, got ${JSON.stringify(value)}.`);
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
    parseValue: parse,
    parseLiteral: (ast) => parse(literal(ast)),
  });
}

export const DateTimeScalar = isoScalar(
  'DateTime',
  'An ISO-8601 date-time string.',
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/,
);
export const DateScalar = isoScalar('Date', 'An ISO-8601 calendar date.', /^\d{4}-\d{2}-\d{2}$/);

const INTEGER = /^-?\d+$/;

/** Micros exceed 2^53 for large amounts, so BigInt travels as a decimal string both ways. */
export const BigIntScalar = new GraphQLScalarType<string, string>({
  name: 'BigInt',
  description: 'An integer that may exceed 2^53, as a decimal string.',
  serialize: (value) => {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && Number.isInteger(value)) return value.toFixed(0);
    if (typeof value === 'string' && INTEGER.test(value)) return value;
    throw new GraphQLError(`BigInt cannot represent ${JSON.stringify(String(value))}.`);
  },
  parseValue: (value) => {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value.toFixed(0);
    if (typeof value === 'string' && INTEGER.test(value)) return value;
    throw new GraphQLError(`BigInt must be an integer or a string of digits, got ${JSON.stringify(value)}.`);
  },
  parseLiteral: (ast) => {
    const value = literal(ast);
    if (typeof value === 'string' && INTEGER.test(value)) return value;
    throw new GraphQLError('BigInt must be an integer or a string of digits.');
  },
});

export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
