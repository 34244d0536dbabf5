import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testBindings } from "./test/setup/bindings.ts";

// `npm run test:real-data`: the tests that read real Sigstore data from ../shared/fixtures (outside this
// repository, so `npm test` stays self-contained). The same two projects as vitest.config.ts, over
// test/real-data/ only: under test/real-data/e2e/ in Node (they run the CLI and read files), the rest in workerd.
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  test: {
    fsModuleCache: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { ...testBindings(), TEST_MIGRATIONS: migrations } },
          }),
        ],
        test: {
          name: "workerd",
          include: ["test/real-data/**/*.test.ts"],
          exclude: ["test/real-data/e2e/**"],
          setupFiles: ["./test/setup/apply-migrations.ts"],
          passWithNoTests: true,
        },
      },
      {
        test: { name: "node", include: ["test/real-data/e2e/**/*.test.ts"], environment: "node", testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
  },
});
