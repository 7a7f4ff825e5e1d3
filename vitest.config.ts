import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The seed sources' passage vectors, for the tests of hybrid search (computed once, then reused).
    globalSetup: ['test/seed-vectors.ts'],
    // The end-to-end Discord tests each start a local emulator and a real discord.js client.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
