import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real Debian-packaged clients (Transmission, libtorrent) run in `npm run test:lab` only.
    exclude: ['test/lab-debian/**', '**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores on CI: two workers keep whole-scenario tests from starving each other.
    maxWorkers: 2,
  },
});
