/** POSTs GraphQL operations the way a frontend does: JSON body, the caller's key as Bearer token. */
export interface GraphQLAnswer {
  status: number;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } | null;
}

export async function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown> | undefined,
  key: string | null,
  signal?: AbortSignal,
): Promise<GraphQLAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    signal,
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: GraphQLAnswer['body'] = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: body stays null, the status tells
  }
  return { status: response.status, body };
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
