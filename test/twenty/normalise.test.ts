import { describe, expect, it } from 'vitest';
import { normaliseEmail, normaliseLinkUrl } from '../../src/twenty/normalise.js';

describe('normaliseEmail (as Twenty stores a primary email)', () => {
  it.each([
    ['Ann.Lee@Acme.COM', 'ann.lee@acme.com'],
    ['ann@acme.com.', 'ann@acme.com'],
    ['ann@xn--mnchen-3ya.de', 'ann@münchen.de'],
    ['Ann@MÜNCHEN.de', 'ann@münchen.de'],
    ['no-at-sign', 'no-at-sign'],
    ['"a@b"@Acme.com', '"a@b"@acme.com'],
  ])('%s → %s', (email, normal) => {
    expect(normaliseEmail(email)).toBe(normal);
  });
});

describe('normaliseLinkUrl (as Twenty stores a link)', () => {
  it.each([
    ['HTTPS://Acme.COM/', 'https://acme.com'],
    ['https://acme.com/About/', 'https://acme.com/About'],
    ['http://Acme.com:8080/Path?Q=1', 'http://acme.com:8080/Path?Q=1'],
    ['Acme.com/', 'Acme.com/'],
    ['mailto:Ann@Acme.com', 'mailto:Ann@Acme.com'],
  ])('%s → %s', (url, normal) => {
    expect(normaliseLinkUrl(url)).toBe(normal);
  });
});
