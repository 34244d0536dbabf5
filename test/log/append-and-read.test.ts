// The log through the Worker: append in several rounds, then read checkpoint, tiles and bundles
// over HTTP and verify everything a monitor would (issue: "Through the Worker").
import { describe, expect, it } from "vitest";
import { checkInclusion } from "../../src/tlog/proof.ts";
import { fromBase64, toBase64, toHex } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { openNote, newVerifier } from "../../src/tlog/note.ts";
import type { VerifiedCheckpoint } from "../../src/client/tile-reader.ts";
import { enc, http, httpReader, logVerifierKey, sequencer } from "../helpers/log.ts";

describe("append, then verify over HTTP", () => {
  it("every entry is included under every later checkpoint, and all checkpoints are consistent", async () => {
    await sequencer().status(); // the log exists once its sequencer has run (the cron trigger does this when deployed)
    const reader = httpReader();
    const start = (await reader.checkpoint()).size;
    const seen: VerifiedCheckpoint[] = [await reader.checkpoint()];
    const appended: { index: number; entry: Uint8Array }[] = [];
    // Rounds of different sizes, crossing the 256-entry tile boundary and a 512 one.
    for (const batch of [1, 3, 250, 7, 300, 1]) {
      const entries = Array.from({ length: batch }, (_, i) => enc(`entry ${appended.length + i} of run ${start}`));
      const results = await Promise.all(entries.map((e) => sequencer().add(e)));
      for (const [i, r] of results.entries()) {
        expect(r.kind).toBe("sequenced");
        if (r.kind !== "sequenced") continue;
        // The answer carries a proof against the exact signed checkpoint returned with it.
        const cp = parseCheckpoint(openNote(r.checkpoint, [newVerifier(logVerifierKey())]).text);
        checkInclusion(r.inclusionProof, r.index, cp.size, hashLeaf(entries[i]!), cp.root);
        appended.push({ index: r.index, entry: entries[i]! });
      }
      seen.push(await reader.checkpoint());
    }
    const indexes = appended.map((a) => a.index).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: appended.length }, (_, i) => start + i));

    const latest = seen[seen.length - 1]!;
    expect(latest.size).toBe(start + appended.length);
    for (const a of appended) {
      expect(await reader.entry(a.index, latest.size)).toEqual(a.entry);
      await reader.verifyInclusion(a.entry, a.index, latest);
    }
    for (let i = 0; i < seen.length; i++)
      for (let j = i + 1; j < seen.length; j++) await reader.verifyConsistency(seen[i]!, seen[j]!);
  });

  it("serves C2SP content types and cache headers, 404 for unpublished tiles, 400 for malformed paths", async () => {
    await sequencer().add(enc("headers check"));
    const cp = await http("/checkpoint");
    expect(cp.status).toBe(200);
    expect(cp.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(cp.headers.get("access-control-allow-origin")).toBe("*");
    const size = parseCheckpoint((await cp.text()).split("\n\n")[0] + "\n").size;
    const w = size % 256;
    const tile = await http(`/tile/0/${String(Math.floor(size / 256)).padStart(3, "0")}${w ? `.p/${w}` : ""}`);
    expect(tile.status).toBe(200);
    expect(tile.headers.get("content-type")).toBe("application/octet-stream");
    expect(tile.headers.get("cache-control")).toBe("public, max-age=604800, immutable");
    expect((await tile.arrayBuffer()).byteLength).toBe((w || 256) * 32);

    expect((await http("/tile/0/x999/999")).status).toBe(404);
    expect((await http("/tile/entries/x999/999.p/5")).status).toBe(404);
    for (const bad of [
      "/tile/0/1",
      "/tile/00/000",
      "/tile/0/001/002",
      "/tile/0/x001/0002",
      "/tile/0/000.p/256",
      "/tile/0/000.p/0",
      "/tile/64/000",
      "/tile/-1/000",
      "/tile/abc/000",
      "/tile/entries/000.p/05",
      "/tile/0/x000/001",
      "/tile/0/000.p",
    ]) {
      const r = await http(bad);
      expect(r.status, bad).toBe(400);
      expect(((await r.json()) as { message: string }).message).toMatch(/tile path/);
    }
  });

  it("partial tiles and bundles keep their content once served", async () => {
    const reader = httpReader();
    const served = new Map<string, string>();
    for (let round = 0; round < 4; round++) {
      await Promise.all(
        Array.from({ length: 90 }, (_, i) => sequencer().add(enc(`keep ${round}.${i}.${Math.random()}`))),
      );
      const cp = await reader.checkpoint();
      const w = cp.size % 256;
      const n = String(Math.floor(cp.size / 256)).padStart(3, "0");
      for (const p of [`/tile/0/${n}${w ? `.p/${w}` : ""}`, `/tile/entries/${n}${w ? `.p/${w}` : ""}`]) {
        served.set(p, toHex(new Uint8Array(await (await http(p)).arrayBuffer())));
      }
      for (const [p, hex] of served) {
        expect(toHex(new Uint8Array(await (await http(p)).arrayBuffer())), p).toBe(hex);
      }
    }
  });

  it("answers the test append endpoint, and the same leaf twice gets the same index", async () => {
    const a = await http("/add", { method: "POST", body: "twice" });
    const b = await http("/add", { method: "POST", body: "twice" });
    expect(a.status).toBe(200);
    expect(await b.text()).toBe(await a.text());
    const checkpoint = await httpReader().checkpoint();
    const index = Number((await (await http("/add", { method: "POST", body: "twice" })).text()).trim());
    expect(index).toBeLessThan(checkpoint.size);
    expect(fromBase64(toBase64(checkpoint.root))).toEqual(checkpoint.root);
  });
});
