// The web explorer in a real browser: Debian's Chromium driven by playwright-core against the
// Worker under Miniflare (local-log.ts). Entries are added over the APIs (Rekor v2 with a Fulcio-shaped
// certificate and with a plain key, Rekor v1), then the page must find them, show them, and verify them
// from the log's checkpoint and tiles; a tile or checkpoint altered on the way to the page must make the
// page report the failure. Screenshots of each view go to .tmp/screenshots/ (and to docs/screenshots/
// with UPDATE_SCREENSHOTS=1, the ones the README shows).
//
// No skipping: without Chromium this file fails (CI installs it: .ci/run).
import { sha256 } from "@noble/hashes/sha2.js";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePem } from "../../src/pki/keys.ts";
import { toBase64, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { parseTlogProof } from "../../src/tlog/proof-file.ts";
import { formatCheckpoint } from "../../src/tlog/checkpoint.ts";
import { generateKey, newSigner, signNote } from "../../src/tlog/note.ts";
import { fulcioCertificate } from "../helpers/certificates.ts";
import { p256Key, type TestEcKey } from "../helpers/keys.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = [".tmp/screenshots", ...(process.env.UPDATE_SCREENSHOTS === "1" ? ["docs/screenshots"] : [])];
const DESKTOP = { width: 1200, height: 900 };
const PHONE = { width: 390, height: 844 };

let log: LocalLog;
let browser: Browser;

interface Added {
  index: number;
  leaf: Uint8Array;
  digest: string;
}

async function post(path: string, body: unknown): Promise<Response> {
  const r = await fetch(`${log.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
  return r;
}

/** A Rekor v2 hashedrekord entry; the verifier is the key's certificate when one is given. */
async function addV2(key: TestEcKey, artifact: string, certificate?: Uint8Array): Promise<Added> {
  const digest = sha256(utf8Encode(artifact));
  const verifier = certificate
    ? { x509Certificate: { rawBytes: toBase64(certificate) } }
    : { publicKey: { rawBytes: toBase64(key.spki) } };
  const r = await post("/api/v2/log/entries", {
    hashedRekordRequestV002: {
      digest: toBase64(digest),
      signature: {
        content: toBase64(key.signDigest(digest)),
        verifier: { ...verifier, keyDetails: "PKIX_ECDSA_P256_SHA_256" },
      },
    },
  });
  const tle = (await r.json()) as { logIndex: string; canonicalizedBody: string };
  return { index: Number(tle.logIndex), leaf: Buffer.from(tle.canonicalizedBody, "base64"), digest: toHex(digest) };
}

async function addV1(key: TestEcKey, artifact: string, certificate?: Uint8Array): Promise<Added> {
  const digest = sha256(utf8Encode(artifact));
  const pem = certificate ? encodePem("CERTIFICATE", certificate) : encodePem("PUBLIC KEY", key.spki);
  const r = await post("/api/v1/log/entries", {
    apiVersion: "0.0.1",
    kind: "hashedrekord",
    spec: {
      data: { hash: { algorithm: "sha256", value: toHex(digest) } },
      signature: { content: toBase64(key.signDigest(digest)), publicKey: { content: toBase64(utf8Encode(pem)) } },
    },
  });
  const [entry] = Object.values((await r.json()) as Record<string, { logIndex: number; body: string }>);
  return { index: entry!.logIndex, leaf: Buffer.from(entry!.body, "base64"), digest: toHex(digest) };
}

/** Waits until every acknowledged entry is in the search index: the outbox drains into D1 after each round, and status() waits for that drain. */
async function indexed(): Promise<void> {
  const ns = await log.mf.getDurableObjectNamespace("SEQUENCER");
  await (ns.get(ns.idFromName("default")) as unknown as { status(): Promise<unknown> }).status();
}

async function checkpointSize(): Promise<number> {
  return Number((await (await fetch(`${log.url}/checkpoint`)).text()).split("\n")[1]);
}

async function shot(page: Page, name: string): Promise<void> {
  for (const dir of SHOTS) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  }
}

async function openPage(viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, reducedMotion: "reduce" });
  return context.newPage();
}

/** The status the page shows for one verification check. */
const check = (page: Page, id: string) => page.locator(`.checks [data-check="${id}"]`);

const alice = {
  email: "alice@example.com",
  issuer: "https://accounts.example.com",
  repository: "https://git.example.com/alice/tool",
};
let certEntry: Added;
let keyEntry: Added;
let v1Entry: Added;
const aliceMore: Added[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH); this test never skips`,
    );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  log = await startLocalLog();
  const aliceKey = p256Key();
  certEntry = await addV2(aliceKey, `release 1.0 ${Math.random()}`, fulcioCertificate(aliceKey, alice));
  keyEntry = await addV2(p256Key(), `nightly ${Math.random()}`);
  v1Entry = await addV1(p256Key(), `v1 artifact ${Math.random()}`);
  // Alice signs twice more with the same certificate: over Rekor v1, and a second artifact over v2.
  const cert = fulcioCertificate(aliceKey, alice);
  aliceMore.push(
    await addV1(aliceKey, `release 1.0 provenance ${Math.random()}`, cert),
    await addV2(aliceKey, `release 1.1 ${Math.random()}`, cert),
  );
  for (let i = 0; i < 4; i++) await addV2(p256Key(), `filler ${i} ${Math.random()}`);
  await indexed();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await log?.stop();
});

describe("the explorer", () => {
  it("is served at / with its script and styles from the Worker, nothing from elsewhere", async () => {
    const res = await fetch(`${log.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"#]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(1);
    for (const u of urls) expect(u, "a same-origin path").toMatch(/^\/[a-z]/);
    for (const u of urls) expect((await fetch(`${log.url}${u}`)).status, u).toBe(200);
    expect((await fetch(`${log.url}/`, { method: "POST" })).status).toBe(405);
  });

  it("shows the live log: verified size, recent entries, and a new checkpoint proved consistent with the last", async () => {
    const page = await openPage();
    const failedRequests: string[] = [];
    page.on("requestfailed", (r) => failedRequests.push(r.url()));
    page.on("request", (r) => {
      if (!r.url().startsWith(log.url)) failedRequests.push(`external: ${r.url()}`);
    });
    await page.goto(`${log.url}/`);
    const size = await checkpointSize();
    await expect.poll(() => page.locator("#live-size").textContent()).toBe(String(size));
    await expect.poll(() => page.locator(".recent li").count()).toBe(Math.min(size, 10));
    expect(await page.locator('.recent li[data-status="verified"]').count()).toBe(Math.min(size, 10));
    await addV2(p256Key(), `while watching ${Math.random()}`);
    await page.getByRole("button", { name: "Refresh now" }).click();
    await expect.poll(() => page.locator("#live-size").textContent()).toBe(String(size + 1));
    const rows = page.locator("table.history tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().getAttribute("data-status")).toBe("verified");
    expect(await rows.first().textContent()).toContain(`extends tree size ${size}`);
    await shot(page, "live");
    expect(failedRequests).toEqual([]);
    await page.context().close();
  });

  it("reports a checkpoint that does not extend the last one seen (a fork signed with the log's own key)", async () => {
    const page = await openPage();
    await page.goto(`${log.url}/`);
    const size = await checkpointSize();
    await expect.poll(() => page.locator("#live-size").textContent()).toBe(String(size));
    // The log grows by one; the page is then shown a checkpoint for that size, validly signed, with another root.
    await addV2(p256Key(), `before the fork ${Math.random()}`);
    const forged = signNote(
      formatCheckpoint({
        origin: log.origin,
        size: size + 1,
        root: sha256(utf8Encode("another history")),
        extensions: [],
      }),
      [newSigner(log.skey)],
    );
    await page.route(/\/checkpoint$/, (route) =>
      route.fulfill({ status: 200, contentType: "text/plain; charset=utf-8", body: forged }),
    );
    await page.getByRole("button", { name: "Refresh now" }).click();
    const newest = page.locator("table.history tbody tr").first();
    await expect.poll(() => newest.getAttribute("data-status")).toBe("failed");
    expect(await newest.textContent()).toContain(`not consistent with tree size ${size}`);
    // The page keeps trusting the last consistent checkpoint.
    expect(await page.locator("#live-size").textContent()).toBe(String(size));
    await page.context().close();
  });

  it("searches by email (GET /api/v2/search), opens the hit and verifies it, the search answer's own proof included", async () => {
    const page = await openPage();
    await page.goto(`${log.url}/`);
    await page.getByLabel("Value").fill(alice.email.toUpperCase());
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe(`3 results for email ${alice.email}`);
    // The announcement is set on the next animation frame after the heading (explorer/page.ts announce()).
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 10_000 }).toBe("3 results");
    const results = page.locator(".results li");
    expect(await results.locator("a").allTextContents()).toEqual(
      [certEntry, ...aliceMore].map((e) => `Entry ${e.index}`),
    );
    for (const text of await results.allTextContents()) expect(text).toContain(`signed by ${alice.email}`);
    expect(await results.nth(1).textContent()).toContain("hashedrekord 0.0.1");
    await shot(page, "search-results");
    await page.getByRole("link", { name: `Entry ${certEntry.index}` }).click();
    await expect.poll(() => page.locator(".summary").textContent()).toBe("All 4 checks verified.");
    for (const id of ["checkpoint", "entry", "inclusion", "response"])
      expect(await check(page, id).getAttribute("data-status"), id).toBe("verified");
    // Every identity and digest on the entry is a search: the issuer, the repository and the digest find it again.
    for (const [name, selector, n] of [
      [alice.issuer, "OIDC issuer", 3],
      [alice.repository, "source repository", 3],
      [`sha256:${certEntry.digest}`, "digest", 1],
    ] as const) {
      await page.getByRole("link", { name, exact: true }).click();
      await expect
        .poll(() => page.locator("h1").textContent())
        .toBe(`${n} ${n === 1 ? "result" : "results"} for ${selector} ${name}`);
      await page.goBack();
      await expect.poll(() => check(page, "inclusion").getAttribute("data-status")).toBe("verified");
    }
    await page.context().close();
  });

  it("searches by key, pages through many hits, and says when nothing matches", async () => {
    const key = p256Key();
    for (let i = 0; i < 23; i++) await addV2(key, `same key ${i} ${Math.random()}`);
    await indexed();
    const page = await openPage();
    const fp = toHex(sha256(key.spki));
    await page.goto(`${log.url}/#/search/key/${`key:sha256:${fp}`}`);
    await expect.poll(() => page.locator("h1").textContent()).toBe(`20+ results for key key:sha256:${fp}`);
    await page.getByRole("button", { name: "More results" }).click();
    await expect.poll(() => page.locator(".results li").count()).toBe(23);
    expect(await page.locator("h1").textContent()).toBe(`23 results for key key:sha256:${fp}`);
    expect(await page.getByRole("button", { name: "More results" }).isHidden()).toBe(true);
    await page.goto(`${log.url}/#/search/email/nobody%40example.com`);
    await expect.poll(() => page.locator("main").textContent()).toContain("Nothing in the log matches.");
    await page.getByLabel("Search by").selectOption("digest");
    await page.getByLabel("Value").fill("sha256:1234");
    await page.getByRole("button", { name: "Search" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("sha256:<64 hex>");
    expect(await page.getByLabel("Value").getAttribute("aria-invalid")).toBe("true");
    await page.context().close();
  });

  it("proves a search complete with the shard's verifiable index, and an absent key absent", async () => {
    const ns = await log.mf.getDurableObjectNamespace("INDEXER");
    await (ns.get(ns.idFromName("default")) as unknown as { catchUp(): Promise<unknown> }).catchUp();
    const size = await checkpointSize();
    const page = await openPage();
    await page.goto(`${log.url}/#/search/email/${encodeURIComponent(alice.email)}`);
    await expect.poll(() => page.locator("h1").textContent()).toBe(`3 results for email ${alice.email}`);
    await page.getByRole("button", { name: "Prove the list complete" }).click();
    const indices = [certEntry, ...aliceMore].map((e) => e.index).join(", ");
    await expect
      .poll(() => page.locator(".complete-result").textContent())
      .toContain(
        `Complete up to log size ${size}: 3 entries with this key (log indices ${indices}), nothing left out.`,
      );
    expect(await page.locator(".complete-result .badge").getAttribute("class")).toBe("badge verified");
    await page.goto(`${log.url}/#/search/email/nobody%40example.com`);
    await expect.poll(() => page.locator("main").textContent()).toContain("Nothing in the log matches.");
    await page.getByRole("button", { name: "Prove the list complete" }).click();
    await expect
      .poll(() => page.locator(".complete-result").textContent())
      .toContain(`Complete up to log size ${size}: 0 entries with this key, nothing left out.`);
    await page.context().close();
  });

  it("looks an entry up by log index and verifies the checkpoint signature and the inclusion proof from tiles", async () => {
    const page = await openPage();
    await page.goto(`${log.url}/`);
    await page.getByLabel("Search by").selectOption("index");
    await page.getByLabel("Value").fill(String(certEntry.index));
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toMatch(/^1 result for log index/);
    await page.getByRole("link", { name: `Entry ${certEntry.index}` }).click();
    await expect.poll(() => check(page, "inclusion").getAttribute("data-status")).toBe("verified");
    expect(await check(page, "checkpoint").getAttribute("data-status")).toBe("verified");
    expect(await check(page, "entry").getAttribute("data-status")).toBe("verified");
    expect(await check(page, "checkpoint").textContent()).toContain(log.origin);
    // The Rekor v1 answer's own claims (its SET and v1 checkpoint, with the published v1 key) verify too.
    await expect.poll(() => check(page, "response").getAttribute("data-status")).toBe("verified");
    expect(await check(page, "response").textContent()).toContain("signed entry timestamp");
    expect(await check(page, "witnesses").getAttribute("data-status")).toBe("skipped");
    await expect.poll(() => page.locator(".summary").textContent()).toBe("All 4 checks verified.");
    // What the entry is: its type, digest, signer identity and certificate, leaf hash.
    const details = page.locator(".entry-details");
    await expect.poll(() => details.textContent()).toContain("hashedrekord 0.0.2");
    const text = (await details.textContent())!;
    expect(text).toContain(`sha256:${certEntry.digest}`);
    expect(text).toContain(alice.email);
    expect(text).toContain(alice.issuer);
    expect(text).toContain(alice.repository);
    expect(text).toContain("ECDSA P-256");
    expect(text).toContain(toHex(hashLeaf(certEntry.leaf)));
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 10_000 }).toBe("All 4 checks verified.");
    // The offline proof (C2SP tlog-proof@v1) downloads from the entry view and is of this entry.
    const proofLink = page.getByRole("link", { name: "Download .tlog-proof" });
    expect(await proofLink.getAttribute("download")).toBe(`default-${certEntry.index}.tlog-proof`);
    const download = page.waitForEvent("download");
    await proofLink.click();
    const proof = parseTlogProof(readFileSync((await (await download).path())!, "utf8"));
    expect([proof.index, toHex(hashLeaf(proof.extra!))]).toEqual([certEntry.index, toHex(hashLeaf(certEntry.leaf))]);
    await shot(page, "entry-verified");
    await page.context().close();
  });

  it("finds a Rekor v1 entry by its UUID (leaf hash) and shows its integrated time", async () => {
    const page = await openPage();
    const uuid = toHex(hashLeaf(v1Entry.leaf));
    await page.goto(`${log.url}/#/search/uuid/${uuid}`);
    await page.getByRole("link", { name: `Entry ${v1Entry.index}` }).click();
    await expect.poll(() => check(page, "inclusion").getAttribute("data-status")).toBe("verified");
    const details = page.locator(".entry-details");
    await expect.poll(() => details.textContent()).toContain("hashedrekord 0.0.1");
    expect(await details.textContent()).toMatch(/Integrated time\s*20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(await details.textContent()).toContain(`sha256:${v1Entry.digest}`);
    await page.context().close();
  });

  it("reports a failed inclusion proof when a tile is altered on its way to the page", async () => {
    const page = await openPage();
    // Flip a byte of a sibling leaf hash in the level-0 tile: the entry still matches its own hash, the path to the root does not.
    const sibling = certEntry.index ^ 1;
    await page.route(/\/tile\/0\/000(\.p\/\d+)?$/, async (route) => {
      const res = await route.fetch();
      const body = Buffer.from(await res.body());
      body[sibling * 32] ^= 0xff;
      await route.fulfill({ response: res, body });
    });
    await page.goto(`${log.url}/#/entry/default/${certEntry.index}`);
    await expect.poll(() => check(page, "inclusion").getAttribute("data-status")).toBe("failed");
    expect(await check(page, "checkpoint").getAttribute("data-status")).toBe("verified");
    expect(await check(page, "inclusion").textContent()).toMatch(/Failed/);
    await expect
      .poll(() => page.getByRole("status").textContent())
      .toBe("Verification failed: inclusion proof from tiles.");
    await shot(page, "tamper-failure");
    await page.context().close();
  });

  it("reports a bad checkpoint signature, and an entry bundle that does not match its leaf hash", async () => {
    const page = await openPage();
    await page.route(/\/checkpoint$/, async (route) => {
      const res = await route.fetch();
      const [origin, size, root, ...rest] = (await res.text()).split("\n");
      const other = Buffer.from(root!, "base64");
      other[0]! ^= 1;
      await route.fulfill({ response: res, body: [origin, size, other.toString("base64"), ...rest].join("\n") });
    });
    await page.goto(`${log.url}/#/entry/default/${keyEntry.index}`);
    await expect.poll(() => check(page, "checkpoint").getAttribute("data-status")).toBe("failed");
    expect(await check(page, "checkpoint").textContent()).toContain("invalid signature");
    expect(await check(page, "inclusion").getAttribute("data-status")).toBe("skipped");
    await page.unroute(/\/checkpoint$/);
    await page.route(/\/tile\/entries\/000(\.p\/\d+)?$/, async (route) => {
      const res = await route.fetch();
      const body = Buffer.from(await res.body());
      body[body.length - 3] ^= 1; // inside the last entry's JSON
      await route.fulfill({ response: res, body });
    });
    const size = await checkpointSize();
    await page.goto(`${log.url}/#/entry/default/${size - 1}`);
    await expect.poll(() => check(page, "entry").getAttribute("data-status")).toBe("failed");
    expect(await check(page, "entry").textContent()).toContain("does not match its leaf hash");
    await page.context().close();
  });

  it("verifies with a pinned key instead of the published one, and says when they differ", async () => {
    const page = await openPage();
    await page.goto(`${log.url}/#/key`);
    // The key view draws after the trust root is fetched: wait for it, then read it.
    await expect.poll(() => page.locator("main").textContent(), { timeout: 10_000 }).toContain(log.vkey);
    const text = (await page.locator("main").textContent())!;
    expect(text).toContain(log.vkey);
    expect(text).toContain("only shows that the log agrees with itself");
    // Another key with the log's name: the log's checkpoints must not verify with it.
    const imposter = generateKey(log.origin).vkey;
    await page.getByLabel(`Expected checkpoint key for ${log.origin}`).fill(imposter);
    await page.getByRole("button", { name: "Pin this key" }).click();
    await expect.poll(() => page.locator(".pin [role=status]").textContent()).toContain("Pinned");
    await page.goto(`${log.url}/#/entry/default/${keyEntry.index}`);
    await expect.poll(() => check(page, "checkpoint").getAttribute("data-status")).toBe("failed");
    expect(await page.locator(".verification").textContent()).toContain("different key");
    // Pinning the log's real key makes it verify again.
    await page.goto(`${log.url}/#/key`);
    await page.getByLabel(`Expected checkpoint key for ${log.origin}`).fill(log.vkey);
    await page.getByRole("button", { name: "Pin this key" }).click();
    await page.goto(`${log.url}/#/entry/default/${keyEntry.index}`);
    await expect.poll(() => check(page, "inclusion").getAttribute("data-status")).toBe("verified");
    expect(await page.locator(".verification").textContent()).toContain("key you pinned");
    // A key for another origin is refused with a reason.
    await page.goto(`${log.url}/#/key`);
    await page.getByLabel(`Expected checkpoint key for ${log.origin}`).fill(generateKey("elsewhere.example").vkey);
    await page.getByRole("button", { name: "Pin this key" }).click();
    await expect
      .poll(() => page.locator(".pin [role=status]").textContent())
      .toContain('that key is for "elsewhere.example"');
    await page.context().close();
  });

  it("works with the keyboard alone: search, open a result, reach the checks", async () => {
    const page = await openPage();
    await page.goto(`${log.url}/`);
    await expect.poll(() => page.locator("#live-size").count()).toBe(1);
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || "");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await focused()).toBe("main");
    expect(await page.locator("h1").textContent()).toBe(`Live: ${log.origin}`);
    for (let i = 0; i < 6 && (await focused()) !== "search-q"; i++) await page.keyboard.press("Tab");
    expect(await focused()).toBe("search-q");
    await page.keyboard.type(String(keyEntry.index));
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    await expect.poll(() => page.locator("h1").textContent()).toMatch(/^1 result for log index/);
    await page.keyboard.press("Tab");
    expect(await focused()).toBe(`Entry ${keyEntry.index}`);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(`Entry ${keyEntry.index}`);
    await expect.poll(() => check(page, "inclusion").getAttribute("data-status")).toBe("verified");
    // Focus is visible: the focused element draws an outline.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe("none");
    await page.context().close();
  });

  it("fits a phone screen: no sideways scrolling on the entry, live and key views", async () => {
    const page = await openPage(PHONE);
    for (const hash of [`#/entry/default/${certEntry.index}`, "#/", "#/key"]) {
      await page.goto(`${log.url}/${hash}`);
      await expect.poll(() => page.locator("h1").count()).toBe(1);
      if (hash.startsWith("#/entry"))
        await expect.poll(() => check(page, "inclusion").getAttribute("data-status")).toBe("verified");
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, hash).toBeLessThanOrEqual(0);
      if (hash.startsWith("#/entry")) await shot(page, "phone-entry");
    }
    await page.context().close();
  });
});
