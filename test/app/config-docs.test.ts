import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Variables config.ts reads (`integer(env, 'PORT', …)`, `text(env, 'HOST')`, …). */
const read = new Set([...readFileSync(new URL('../../src/config.ts', import.meta.url), 'utf8').matchAll(/\(env, '([A-Z0-9_]+)'/g)].map((m) => m[1]));
/** Variables in the README's configuration table (first column of its rows, under "### Configuration"). */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('### Configuration'), readme.indexOf('\n#', readme.indexOf('### Configuration') + 1));
const documented = new Set([...section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]));

describe('the README configuration table', () => {
  it('lists every variable config.ts reads, and no other', () => {
    expect(read.size).toBeGreaterThan(10);
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !read.has(name))).toEqual([]);
  });
});
