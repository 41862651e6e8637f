/**
 * How Twenty stores the values that identify a record outside its id, so that a value written
 * another way still finds it. Newer servers normalise on write (twentyhq/twenty
 * `record-transformer`: `normalizeEmailAddress`, `lowercaseUrlOriginAndRemoveTrailingSlash`),
 * and compare a primary email filtered by `eq`/`in` in the same form; older servers store what
 * they were given. Two values with the same normal form are the same key.
 */
import { domainToUnicode } from 'node:url';

/** An email address as Twenty keeps it: lowercase, the domain in Unicode, no trailing dot. */
export function normaliseEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at === -1) return email.toLowerCase();
  const domain = email.slice(at + 1);
  // domainToUnicode answers '' for what is not a domain name: keep it as written, lowercased.
  const unicode = domainToUnicode(domain) || domain.toLowerCase();
  return `${email.slice(0, at).toLowerCase()}@${unicode.replace(/\.+$/u, '')}`;
}

const HTTP_AUTHORITY = /^(https?:\/\/)([^/\\?#]*)/i;

/**
 * A link as Twenty keeps it: an http(s) URL's scheme and host lowercased and one trailing slash
 * removed; anything else (no scheme, another scheme) as written.
 */
export function normaliseLinkUrl(url: string): string {
  const match = HTTP_AUTHORITY.exec(url);
  if (!match) return url;
  const rest = url.slice(match[0].length);
  return `${match[1].toLowerCase()}${match[2].toLowerCase()}${rest}`.replace(/\/$/, '');
}
