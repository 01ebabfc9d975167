// End-to-end tests in Debian's headless Chromium against the release build in dist/.
// Playwright never downloads a browser here (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD in scripts/setup).
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT || 4173);
// Another build to test (e.g. `trunk build --release --dist /tmp/dist-x` while dist/ is in use).
const DIST = process.env.E2E_DIST || "dist";

export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  // Needed as root, and on a machine whose network reaches only package registries.
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.spec.mjs",
  outputDir: "test-results/artifacts",
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1024, height: 768 },
    locale: "da-DK",
    launchOptions: chromiumLaunch,
    trace: "off",
  },
  webServer: {
    command: `node tests/support/serve.mjs ${DIST} ${PORT}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 15_000,
  },
});
