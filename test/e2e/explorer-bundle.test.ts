// The explorer the Worker serves is committed as a generated module (src/api/explorer-assets.generated.ts);
// it must be exactly what explorer/ and src/ build to now, or the page would run stale verification code.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("explorer bundle", () => {
  it("src/api/explorer-assets.generated.ts is up to date with explorer/ and src/tlog", () => {
    const r = spawnSync(process.execPath, ["scripts/build-explorer.ts", "--check"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });
});
