import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testBindings } from "./test/setup/bindings.ts";

// Two projects:
// - "workerd": every test under test/ runs inside workerd (Miniflare) with the bindings from
//   wrangler.toml. Secrets are never in the repo: keys are generated fresh per run (test/setup/bindings.ts).
// - "node": end-to-end tests with real Node clients (sigstore-js) against the Worker served by Miniflare,
//   and test/deploy (the `wrangler deploy --dry-run` and key scripts).
// test/real-data/** reads ../shared/fixtures and runs on its own: vitest.real-data.config.ts.
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  test: {
    // vitest 5 caches transformed modules on disk by default; the workerd pool cannot read that cache.
    fsModuleCache: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // index.ts with a Sequencer whose stores tests can fail (test/setup/worker.ts).
            main: "./test/setup/worker.ts",
            miniflare: {
              bindings: { ...testBindings(), TEST_MIGRATIONS: migrations },
              // An empty database beside INDEX: test/search/index-migration.test.ts migrates one filled under old schemas.
              d1Databases: { INDEX: "edgelog-index-local", MIGRATION_TEST: "edgelog-migration-test" },
              // wrangler.toml's rate limiter, simulated by Miniflare, with a limit no test reaches: requests
              // without CF-Connecting-IP are one client. test/api/rate-limit.test.ts tests limiting itself.
              ratelimits: { LIMITER: { namespace_id: "1001", simple: { limit: 1_000_000_000, period: 10 } } },
            },
          }),
        ],
        test: {
          name: "workerd",
          include: ["test/**/*.test.ts"],
          exclude: ["test/e2e/**", "test/deploy/**", "test/real-data/**"],
          setupFiles: ["./test/setup/apply-migrations.ts", "./test/setup/clear-caches.ts"],
          testTimeout: 30_000,
        },
      },
      {
        // expect.poll waits for what a page or a log shows next; on a loaded 2-core machine that can take seconds,
        // so its limit is generous (vitest's default, 1 s, made the browser tests fail under load).
        test: {
          name: "node",
          include: ["test/e2e/**/*.test.ts", "test/deploy/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          expect: { poll: { timeout: 20_000 } },
        },
      },
    ],
  },
});
