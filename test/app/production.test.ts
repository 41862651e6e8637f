/**
 * `npm start` runs graphql-js with its production settings: main.ts first imports a prelude that
 * sets NODE_ENV=production before graphql-js is loaded (graphql-js 16 reads it at import).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** How graphql-js's instanceOf treats a look-alike: it throws only in development mode. */
function graphqlMode(prelude: string): string {
  const script = `${prelude}
    const { GraphQLSchema } = await import('graphql');
    const { instanceOf } = await import('graphql/jsutils/instanceOf.js');
    try { instanceOf({ [Symbol.toStringTag]: 'GraphQLSchema' }, GraphQLSchema); console.log('production'); }
    catch { console.log('development'); }`;
  const env = { ...process.env };
  delete env.NODE_ENV;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env, encoding: 'utf8' }).trim();
}

describe('graphql-js settings', () => {
  it('are production ones after the prelude, development ones without it', () => {
    expect(graphqlMode("await import('./src/production.ts');")).toBe('production');
    expect(graphqlMode('')).toBe('development');
  });

  it('come first in main.ts, before anything imports graphql-js', () => {
    const firstImport = readFileSync('src/main.ts', 'utf8').split('\n').find((line) => line.startsWith('import'));
    expect(firstImport).toBe("import './production.js';");
  });
});
