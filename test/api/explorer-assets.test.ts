// The explorer's script and stylesheet are encoded once per isolate and then served from those bytes: every
// answer is the built asset, whole, with its type and immutable caching (it is addressed by version).
import { describe, expect, it } from "vitest";
import { EXPLORER_CSS, EXPLORER_JS } from "../../src/api/explorer-assets.generated.ts";
import { http } from "../helpers/log.ts";

describe("explorer assets", () => {
  for (const [path, text, type] of [
    ["/explorer/app.js", EXPLORER_JS, "text/javascript; charset=utf-8"],
    ["/explorer/app.css", EXPLORER_CSS, "text/css; charset=utf-8"],
  ] as const) {
    it(`${path} is the built asset on every read`, async () => {
      for (let i = 0; i < 3; i++) {
        const r = await http(path);
        expect(r.status).toBe(200);
        expect(r.headers.get("content-type")).toBe(type);
        expect(r.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
        expect(await r.text()).toBe(text);
      }
    });
  }
});
