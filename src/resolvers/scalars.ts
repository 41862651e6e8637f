import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import { isIsoDate, parseIsoDateTime } from '../twenty/dates.js';

const literal = (ast: ValueNode): unknown => (ast.kind === Kind.STRING || ast.kind === Kind.INT ? ast.value : undefined);

/**
 * A refused input value. graphql-js wraps it (a variable's or a literal's error) and keeps these
 * extensions, so the client sees BAD_USER_INPUT whichever way the value came.
 */
const badValue = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function isoScalar(name: string, description: string, accepts: (value: unknown) => boolean, expected: string) {
  const parse = (value: unknown): string => {
    if (typeof value === 'string' && accepts(value)) return value;
    throw badValue(`${name} must be ${expected} that exists, got ${JSON.stringify(value)}.`);
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
    parseValue: parse,
    parseLiteral: (ast) => parse(literal(ast)),
  });
}

// One date grammar for the API (src/twenty/dates.ts): 2024-02-30 is refused, not rolled over.
export const DateTimeScalar = isoScalar(
  'DateTime',
  'An ISO-8601 date-time string.',
  (value) => parseIsoDateTime(value) !== undefined,
  'an ISO-8601 date-time',
);
export const DateScalar = isoScalar('Date', 'An ISO-8601 calendar date.', isIsoDate, 'an ISO-8601 date (YYYY-MM-DD)');

const INTEGER = /^-?\d+$/;

/**
 * Micros exceed 2^53 for large amounts, so BigInt travels as a decimal string both ways. A
 * number from upstream is written out in full (`toFixed` switches to exponent form from 1e21).
 */
export const BigIntScalar = new GraphQLScalarType<string, string>({
  name: 'BigInt',
  description: 'An integer that may exceed 2^53, as a decimal string.',
  serialize: (value) => {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value).toString();
    if (typeof value === 'string' && INTEGER.test(value)) return value;
    throw new GraphQLError(`BigInt cannot represent ${JSON.stringify(String(value))}.`);
  },
  parseValue: (value) => {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value.toFixed(0);
    if (typeof value === 'string' && INTEGER.test(value)) return value;
    throw badValue(`BigInt must be an integer or a string of digits, got ${JSON.stringify(value)}.`);
  },
  parseLiteral: (ast) => {
    const value = literal(ast);
    if (typeof value === 'string' && INTEGER.test(value)) return value;
    throw badValue('BigInt must be an integer or a string of digits.');
  },
});

export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
