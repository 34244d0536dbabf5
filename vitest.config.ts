import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testBindings } from "./test/setup/bindings.ts";

// Every test runs inside workerd (Miniflare) with the bindings from wrangler.toml.
// Secrets are never in the repo: test keys are generated fresh for each run (test/setup/bindings.ts).
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { bindings: testBindings() },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // vitest 5 caches transformed modules on disk by default; the workerd pool cannot read that cache.
    fsModuleCache: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
