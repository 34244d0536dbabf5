// The explorer across shards (README "Shards"): after a rotation, `/` shows the shard taking writes,
// `/<shard>/` any other, and an entry of either is found through the deployment-wide Rekor v1 lookups and
// verified against its own shard's checkpoint, key and tiles.
import { sha256 } from "@noble/hashes/sha2.js";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePem } from "../../src/pki/keys.ts";
import { generateKey } from "../../src/tlog/note.ts";
import { p256Key } from "../helpers/keys.ts";
import { v1TestKey } from "../setup/bindings.ts";
import { deploy, type Deployment } from "./sharded-log.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let d: Deployment;
let browser: Browser;
let old: { vkey: string; origin: string };
let next: { vkey: string; origin: string };
/** Global Rekor v1 indexes of an entry in each shard. */
const v1Index = { default: -1, log2027: -1 };

async function addV1(base: string): Promise<number> {
  // A Rekor v1 hashedrekord signed by a throwaway key, as clients send it.
  const key = p256Key();
  const digest = sha256(new TextEncoder().encode(`shards ${Math.random()}`));
  const r = await fetch(`${base}/api/v1/log/entries`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      apiVersion: "0.0.1",
      kind: "hashedrekord",
      spec: {
        data: { hash: { algorithm: "sha256", value: Buffer.from(digest).toString("hex") } },
        signature: {
          content: Buffer.from(key.signDigest(digest)).toString("base64"),
          publicKey: { content: Buffer.from(encodePem("PUBLIC KEY", key.spki)).toString("base64") },
        },
      },
    }),
  });
  expect(r.status).toBe(201);
  return (Object.values(await r.json())[0] as { logIndex: number }).logIndex;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH); this test never skips`,
    );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  let skey = "";
  let v1 = "";
  d = await deploy((port) => {
    const k = generateKey(`localhost:${port}`);
    old = { vkey: k.vkey, origin: `localhost:${port}` };
    skey = k.skey;
    v1 = v1TestKey();
    return { LOG_ORIGIN: old.origin, LOG_SIGNING_KEY: skey, LOG_V1_SIGNING_KEY: v1 };
  });
  await addV1(d.url);
  v1Index.default = await addV1(d.url);
  next = { origin: `localhost:${d.port}/log2027`, vkey: "" };
  const k2027 = generateKey(next.origin);
  next.vkey = k2027.vkey;
  d = await d.redeploy({
    LOG_ORIGIN: old.origin,
    LOG_SIGNING_KEY: skey,
    LOG_V1_SIGNING_KEY: v1,
    SHARDS: "default,log2027",
    ACTIVE_SHARD: "log2027",
    LOG_ORIGIN_LOG2027: next.origin,
    LOG_SIGNING_KEY_LOG2027: k2027.skey,
    LOG_V1_SIGNING_KEY_LOG2027: v1TestKey(),
  });
  v1Index.log2027 = await addV1(d.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await d?.destroy();
});

describe("the explorer with two shards", () => {
  it("shows the active shard at / and the frozen one at /default/", async () => {
    const page = await browser.newPage();
    await page.goto(`${d.url}/`);
    await expect.poll(() => page.locator("h1").textContent()).toBe(`Live: ${next.origin}`);
    await expect.poll(() => page.locator("#live-size").textContent()).toBe("1");
    await page.getByRole("link", { name: "default (frozen)" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe(`Live: ${old.origin} (frozen)`);
    await expect.poll(() => page.locator("#live-size").textContent()).toBe("2");
    expect(await page.locator(".keynote").textContent()).toContain(old.vkey);
    await page.close();
  });

  it("finds entries of both shards by Rekor v1 index and verifies each with its own shard's key and tiles", async () => {
    const page = await browser.newPage();
    for (const [shard, index, vkey, inShard] of [
      ["default", v1Index.default, old.vkey, v1Index.default],
      ["log2027", v1Index.log2027, next.vkey, v1Index.log2027 - 2],
    ] as const) {
      await page.goto(`${d.url}/#/search/index/${index}`);
      await page.getByRole("link", { name: `Entry ${inShard} in ${shard}` }).click();
      await expect
        .poll(() => page.locator(".checks [data-check=inclusion]").getAttribute("data-status"))
        .toBe("verified");
      expect(await page.locator(".checks [data-check=checkpoint]").textContent()).toContain(
        vkey.split("+").slice(0, 2).join("+"),
      );
      await expect.poll(() => page.locator(".entry-details").textContent()).toContain(`Log index (Rekor v1)${index}`);
    }
    await page.close();
  });
});
