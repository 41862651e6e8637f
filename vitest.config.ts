import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) copies. Node, and so yoga and graphql-tools,
    // load the CJS one; Vite would give our sources the ESM one, and two graphql instances break
    // `instanceof GraphQLError`. Pin both to the copy Node loads, as in production.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every test file starts its own emulator and server on port 0, so files run in parallel safely.
    pool: 'forks',
  },
});
