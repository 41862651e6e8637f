/**
 * The harness's own REST client for the hand-written systems (naive resolvers, minimal plans):
 * plain fetch with the caller's key, JSON answers, Twenty's list shape (twenty-rest.md §2).
 */
export type Json = any;

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    body: string,
  ) {
    super(`GET ${path}: ${status} ${body.slice(0, 200)}`);
  }
}

export interface RestClient {
  get(path: string, params?: Record<string, string | number>): Promise<Json>;
  /** Every record of a list, one call per page of 200 (usually one). */
  list(plural: string, params?: Record<string, string | number>): Promise<{ records: Json[]; totalCount: number }>;
  /** One record by id (§1 find one), null on 404. */
  one(plural: string, singular: string, id: string, params?: Record<string, string | number>): Promise<Json | null>;
}

export function restClient(baseUrl: string, key: string): RestClient {
  const headers = { authorization: `Bearer ${key}` };
  async function get(path: string, params: Record<string, string | number> = {}): Promise<Json> {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
    const target = `/rest/${path}${query ? `?${query}` : ''}`;
    const response = await fetch(`${baseUrl}${target}`, { headers });
    const text = await response.text();
    if (!response.ok) throw new RestError(response.status, target, text);
    return JSON.parse(text);
  }
  return {
    get,
    async list(plural, params = {}) {
      const records: Json[] = [];
      let after: string | undefined;
      for (;;) {
        const body = await get(plural, { limit: 200, ...params, ...(after ? { starting_after: after } : {}) });
        records.push(...body.data[plural]);
        if (!body.pageInfo?.hasNextPage || records.length >= Number(params.limit ?? Infinity)) {
          return { records, totalCount: body.totalCount };
        }
        after = body.pageInfo.endCursor;
      }
    },
    async one(plural, singular, id, params = {}) {
      try {
        return (await get(`${plural}/${id}`, params)).data[singular];
      } catch (error) {
        if (error instanceof RestError && error.status === 404) return null;
        throw error;
      }
    },
  };
}
