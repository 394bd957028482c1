import { defineConfig } from 'vitest/config';

// Two projects: `fast` is what `npm test` runs (the README's command); `slow` holds the
// full-training and checker suites that `.ci/run` adds.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'fast',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          exclude: ['**/*.slow.test.ts', '**/node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'slow',
          include: ['packages/*/src/**/*.slow.test.ts', 'apps/*/src/**/*.slow.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
