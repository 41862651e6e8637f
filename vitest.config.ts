import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every test file starts its own emulator and server on port 0, so files run in parallel safely.
    pool: 'forks',
  },
});
