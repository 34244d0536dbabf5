// The LIMITER binding in wrangler.toml is the one src/api/rate-limit.ts expects: a 429 says
// Retry-After: LIMITER_PERIOD_SECONDS because the binding does not say when a window ends, so the
// period configured here must be that one.
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { LIMITER_PERIOD_SECONDS } from "../../src/api/rate-limit.ts";

describe("rate limiter configuration", () => {
  it("wrangler.toml binds LIMITER with the period the Worker's Retry-After announces", () => {
    const config = unstable_readConfig({ config: "wrangler.toml" }, { hideWarnings: true });
    const limiter = config.ratelimits.find((r) => r.name === "LIMITER");
    expect(limiter).toBeDefined();
    expect(limiter!.simple.period).toBe(LIMITER_PERIOD_SECONDS);
    expect(limiter!.simple.limit).toBeGreaterThan(0);
  });
});
