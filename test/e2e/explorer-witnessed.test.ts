// The explorer's time from witnesses, in a real browser (Chromium via playwright-core, as in explorer.test.ts):
// a local edgelog whose built-in witness cosigns every checkpoint with an ML-DSA-44 key. With that key pinned,
// an early entry's view shows the bound from the earliest cosigned checkpoint covering it (its size and its
// cosignature's time, not the current checkpoint's), checked in the page; an altered answer shows as failed,
// and a 404 says no cosigned checkpoint covers the entry yet.
import { sha256 } from "@noble/hashes/sha2.js";
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCosignatureKey, newCosignatureVerifier, verifyCosignatures } from "../../src/tlog/cosignature.ts";
import { toBase64, utf8Encode } from "../../src/tlog/encoding.ts";
import { parseNote } from "../../src/tlog/note.ts";
import { p256Key } from "../helpers/keys.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const pq = generateCosignatureKey("witness.example/pq", undefined, "ml-dsa-44");
let log: LocalLog;
let browser: Browser;

interface Logged {
  index: number;
  treeSize: number;
  /** The ML-DSA-44 cosignature's time on the checkpoint the entry was answered with. */
  cosignedAt: number;
}

async function addV2(artifact: string): Promise<Logged> {
  const key = p256Key();
  const digest = sha256(utf8Encode(artifact));
  const r = await fetch(`${log.url}/api/v2/log/entries`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      hashedRekordRequestV002: {
        digest: toBase64(digest),
        signature: {
          content: toBase64(key.signDigest(digest)),
          verifier: { publicKey: { rawBytes: toBase64(key.spki) }, keyDetails: "PKIX_ECDSA_P256_SHA_256" },
        },
      },
    }),
  });
  if (r.status !== 201) throw new Error(`POST: ${r.status} ${await r.text()}`);
  const tle = (await r.json()) as {
    logIndex: string;
    inclusionProof: { treeSize: string; checkpoint: { envelope: string } };
  };
  const note = parseNote(tle.inclusionProof.checkpoint.envelope);
  const [valid] = verifyCosignatures(note.text, note.sigs, [newCosignatureVerifier(pq.vkey)]).valid;
  return { index: Number(tle.logIndex), treeSize: Number(tle.inclusionProof.treeSize), cosignedAt: valid!.timestamp };
}

async function entryPage(index: number): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript((vkey) => localStorage.setItem("edgelog-explorer:witness-keys", vkey), pq.vkey);
  await page.goto(`${log.url}/#/entry/default/${index}`);
  return page;
}

const earliest = (page: Page) => page.locator('.checks [data-check="earliest"]');

let early: Logged;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH); never skips`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  log = await startLocalLog({ WITNESS_SIGNING_KEY: pq.skey, WITNESS_QUORUM: "1" }, ({ vkey }) => ({
    WITNESSED_LOGS: vkey,
    WITNESSES: `${pq.vkey} binding:WITNESS`,
  }));
  // Two before it (its inclusion proof has hashes to alter), then more after: the current checkpoint is later.
  for (let i = 0; i < 2; i++) await addV2(`before ${i} ${Math.random()}`);
  early = await addV2(`early ${Math.random()}`);
  for (let i = 0; i < 3; i++) await addV2(`after ${i} ${Math.random()}`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await log?.stop();
});

describe("the entry view's time from witnesses", () => {
  it("shows the earliest cosigned checkpoint's time and size for an early entry, checked with the pinned ML-DSA-44 key", async () => {
    const current = Number((await (await fetch(`${log.url}/checkpoint`)).text()).split("\n")[1]);
    expect(current).toBeGreaterThan(early.treeSize);
    const page = await entryPage(early.index);
    await expect.poll(() => earliest(page).getAttribute("data-status")).toBe("verified");
    expect(await earliest(page).textContent()).toContain(
      `logged no later than ${new Date(early.cosignedAt * 1000).toISOString()} (earliest cosigned checkpoint, size ${early.treeSize}, cosigned by witness.example/pq)`,
    );
    await expect.poll(() => page.locator(".summary").textContent()).toBe("All 5 checks verified.");
    await page.context().close();
  });

  it("shows an answer whose inclusion proof was altered as failed, and a 404 as no cosigned checkpoint yet", async () => {
    let page = await entryPage(early.index);
    await page.route(/\/witnessed$/, async (route) => {
      const answer = (await (await route.fetch()).json()) as { inclusionProof: string[] };
      answer.inclusionProof[0] = toBase64(new Uint8Array(32));
      await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(answer) });
    });
    await page.reload();
    await expect.poll(() => earliest(page).getAttribute("data-status")).toBe("failed");
    expect(await earliest(page).textContent()).not.toContain("logged no later than");
    await page.context().close();

    page = await entryPage(early.index);
    await page.route(/\/witnessed$/, (route) =>
      route.fulfill({ status: 404, contentType: "application/json", body: '{"message":"not yet"}' }),
    );
    await page.reload();
    await expect.poll(() => earliest(page).getAttribute("data-status")).toBe("skipped");
    expect(await earliest(page).textContent()).toContain("no cosigned checkpoint covers this entry yet");
    await page.context().close();
  });
});
