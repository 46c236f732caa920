import { defineConfig } from 'vitest/config';

/** `npm run test:lab`: labs of real Debian-packaged clients (transmission-daemon, python3-libtorrent), minutes of real time. */
export default defineConfig({
  test: {
    include: ['test/lab-debian/**/*.test.ts'],
    testTimeout: 400_000,
    hookTimeout: 400_000,
    maxWorkers: 1,
  },
});
