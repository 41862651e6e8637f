/** POSTs GraphQL operations the way a frontend does: JSON body, the caller's key as Bearer token. */
export interface GraphQLAnswer {
  status: number;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } | null;
}

export function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown> | undefined,
  key: string | null,
  signal?: AbortSignal,
): Promise<GraphQLAnswer> {
  return postBody(url, JSON.stringify({ query, variables }), key, signal);
}

/** POSTs any body as JSON (a broken one too, for the soak's bad requests). */
export async function postBody(url: string, body: string, key: string | null, signal?: AbortSignal): Promise<GraphQLAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    signal,
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body,
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: null }; // not JSON: the status tells
  }
}

/** The data of a successful operation; throws with the first error otherwise. */
export async function queryData(url: string, query: string, variables: Record<string, unknown> | undefined, key: string, signal?: AbortSignal): Promise<any> {
  const answer = await postGraphQL(url, query, variables, key, signal);
  if (answer.status !== 200 || !answer.body?.data || answer.body.errors?.length) {
    const error = answer.body?.errors?.[0];
    throw new GraphQLFailure(answer.status, error ? `${error.extensions?.code ?? ''} ${error.message}`.trim() : `HTTP ${answer.status}`, String(error?.extensions?.code ?? ''));
  }
  return answer.body.data;
}

export class GraphQLFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
