import { getOperationAST, type DocumentNode } from 'graphql';

/**
 * Longest operation name kept in a metric label or a log line. Names are the caller's text and
 * may be megabytes long; real ones are short, and the first 64 characters tell them apart.
 */
export const MAX_OPERATION_NAME_CHARS = 64;

/** The executed operation's type and name (`anonymous` without one), the name cut to size. */
export function describeOperation(document: DocumentNode, operationName?: string | null): { type: string; name: string } {
  const operation = getOperationAST(document, operationName ?? undefined);
  const name = operation?.name?.value ?? 'anonymous';
  return {
    type: operation?.operation ?? 'unknown',
    name: name.length > MAX_OPERATION_NAME_CHARS ? `${name.slice(0, MAX_OPERATION_NAME_CHARS)}…` : name,
  };
}
