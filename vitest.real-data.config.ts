import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testBindings } from "./test/setup/bindings.ts";

// `npm run test:real-data`: tests against data others produced, read from ../shared/fixtures (real Sigstore
// bundles, Rekor's API description). A clone without ../shared cannot run them, so they are kept out of `npm test`
// (vitest.config.ts excludes test/real-data/**) and .ci/run runs this after it when ../shared/fixtures exists.
// The same two projects as vitest.config.ts, over test/real-data/** only.
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  test: {
    fsModuleCache: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    passWithNoTests: true,
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            main: "./test/setup/worker.ts", // as in vitest.config.ts
            miniflare: { bindings: { ...testBindings(), TEST_MIGRATIONS: migrations } },
          }),
        ],
        test: {
          name: "workerd",
          include: ["test/real-data/**/*.test.ts"],
          exclude: ["test/real-data/e2e/**", "test/real-data/node/**"],
          setupFiles: ["./test/setup/apply-migrations.ts"],
          testTimeout: 30_000,
        },
      },
      {
        // Node: reads the fixture files, runs real clients, starts the Worker under Miniflare.
        test: {
          name: "node",
          include: ["test/real-data/e2e/**/*.test.ts", "test/real-data/node/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
