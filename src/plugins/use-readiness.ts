import { useReadinessCheck, type Plugin } from 'graphql-yoga';

export interface Readiness {
  ready: boolean;
  /** Why not, in words an operator can act on. */
  reason?: string;
}

/** How long one probe's answer is reused: a flood of `GET /ready` costs Twenty one request a second. */
const READINESS_CACHE_MS = 1_000;
/** A probe slower than this counts as "Twenty does not answer". */
const READINESS_TIMEOUT_MS = 2_000;

/**
 * `GET /ready` (yoga's readiness check): 200 `{"ready":true}` when Twenty answers, else 503 with
 * the reason (Twenty unreachable, slow or failing, or this instance shutting down). `/health`
 * only says the process lives. The BFF starts whether or not Twenty is up, and becomes ready
 * as soon as a probe gets an answer. Concurrent checks share one probe.
 */
export function useReadiness(
  probe: (timeoutMs: number) => Promise<{ ok: true } | { ok: false; reason: string }>,
  isDraining: () => boolean,
): Plugin {
  let last: { at: number; result: Promise<Readiness> } | undefined;
  const check = (): Promise<Readiness> => {
    if (isDraining()) return Promise.resolve({ ready: false, reason: 'Shutting down.' });
    const now = Date.now();
    if (!last || now - last.at >= READINESS_CACHE_MS) {
      last = {
        at: now,
        result: probe(READINESS_TIMEOUT_MS).then(
          (answer) => (answer.ok ? { ready: true } : { ready: false, reason: answer.reason }),
          () => ({ ready: false, reason: 'The readiness probe failed.' }),
        ),
      };
    }
    return last.result;
  };
  return useReadinessCheck({
    endpoint: '/ready',
    async check({ fetchAPI }) {
      const readiness = await check();
      return new fetchAPI.Response(JSON.stringify(readiness), {
        status: readiness.ready ? 200 : 503,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      });
    },
  });
}
