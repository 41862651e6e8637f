import { createHash } from 'node:crypto';

/**
 * A one-way hash of the upstream URL and the API key: the key of everything kept per caller
 * (metadata cache, outbound budget, coalescing), and the only form in which a token is kept
 * beyond the request. The URL is in it because one key may be valid on two Twenty servers.
 *
 * Twenty counts its rate limit per workspace, all its keys together (§9); two keys of one
 * workspace get two keys here, and the budget learns of the other through 429s.
 */
export function workspaceKey(upstreamUrl: string, token: string): string {
  return createHash('sha256').update(`${upstreamUrl}\n${token}`).digest('hex').slice(0, 32);
}
