// This example's own test settings: `npm test` in this folder runs its tests
// alone, and never picks up the settings of a project around it.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The server tests start `npm start` and wait for it to listen.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
