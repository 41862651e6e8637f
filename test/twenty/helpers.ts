/**
 * Testkit for src/twenty: the emulator over real HTTP, and (from test/support) a scripted server
 * for answers the emulator never gives (edges/node lists, odd envelopes, 403/401 bodies, echoes).
 */
import type { Emulator, EmulatorOptions } from '../../src/emulator/index.js';
import { startTestEmulator as startEmulatorForTests } from '../emulator/helpers.js';
import { createTwentyTransport, type TransportOptions, type TwentyTransport } from '../../src/twenty/client.js';
import type { UpstreamCallEvent } from '../../src/twenty/types.js';

export { startScriptedServer, type Script, type ScriptedRequest } from '../support/scripted-server.js';

/** The emulator as the conformance suite starts it, but empty unless a test asks for data. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulatorForTests({ companies: 0, ...options });
}

/**
 * A transport with fast retries that records every attempt it makes. No budget unless a test
 * gives buckets (the emulator's limits are off in these tests too), and short 429 backoffs.
 */
export function recordingTransport(baseUrl: string, options: Partial<TransportOptions> = {}): { transport: TwentyTransport; calls: UpstreamCallEvent[] } {
  const calls: UpstreamCallEvent[] = [];
  const transport = createTwentyTransport({
    baseUrl,
    retryBaseMs: 1,
    rateLimitBackoffMs: 1,
    timeoutMs: 2_000,
    buckets: [],
    ...options,
    onCall: (e) => calls.push(e),
  });
  return { transport, calls };
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}
