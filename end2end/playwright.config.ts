// Playwright on Debian's Chromium (never a downloaded browser): a desktop and a
// phone project. Specs in tests/shared run in both; tests/desktop and
// tests/mobile hold what only makes sense on one of them. Every test starts
// signed in as the admin (global-setup.ts) unless it clears the storage state.
import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';

/** The admin's session, written by global-setup.ts (git-ignored). */
export const ADMIN_STATE = fileURLToPath(new URL('./.auth/admin.json', import.meta.url));

// Without the background-networking flags Chromium tries to reach
// Google's hosts, which this offline machine refuses.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: './tests',
  outputDir: './results',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two cores run the server and the browser: one worker keeps timings honest.
  workers: 1,
  forbidOnly: !!process.env.CI,
  // No retries, under CI or not: a flake fails the run, so it gets fixed
  // rather than hidden (the CSP nonce one is, issue #11 item 11).
  retries: 0,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  use: {
    storageState: ADMIN_STATE,
    baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:8002',
    locale: 'ko-KR',
    timezoneId: 'Asia/Seoul',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
  },
  projects: [
    {
      name: 'desktop',
      testMatch: /(shared|desktop)\/.*\.spec\.ts/,
      use: { viewport: { width: 1366, height: 900 } },
    },
    {
      name: 'mobile',
      testMatch: /(shared|mobile)\/.*\.spec\.ts/,
      use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 },
    },
  ],
});
