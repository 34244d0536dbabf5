#!/usr/bin/env -S node --experimental-transform-types --no-warnings
/**
 * Monitor verification throughput on a synthetic local tile set:
 *   node --experimental-transform-types cli/bench-monitor.ts [entries=200000] [--keep]
 * Builds a tlog-tiles log of hashedrekord-shaped entries (≈ 420 bytes each, like Rekor v1 leaves with an
 * ECDSA key) in a temporary directory, signs its checkpoint, then runs the monitor's catch-up from size 0
 * with a watched digest (so every entry is also parsed and matched) and prints entries/s as JSON.
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { encodeBundle } from "../src/tlog/bundle.ts";
import { formatCheckpoint } from "../src/tlog/checkpoint.ts";
import { generateKey, newSigner, newVerifier, signNote } from "../src/tlog/note.ts";
import { ENTRIES_LEVEL, TILE_WIDTH, tilePath, tileWidth } from "../src/tlog/tile.ts";
import { appendLeaves, edgeRoot, edgeTiles, emptyEdge } from "../src/tlog/tree.ts";
import { pathFetcher } from "./common.ts";
import { monitorOnce } from "./monitor.ts";
import { useNodeSha256 } from "./native-sha256.ts";

useNodeSha256(); // as `edgelog monitor` runs

export function buildSyntheticLog(
  dir: string,
  n: number,
  origin = "bench.example/log",
): { vkey: string; digests: string[] } {
  const { skey, vkey } = generateKey(origin);
  const write = (path: string, data: Uint8Array | string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  };
  const pem = Buffer.from(
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4zTTPdOG95k7eeWMrqQQzx+PNbum\nObejL36ZCvsrsV3vf1ABYaopqLU4rVt98Xo9vzrLUzlmqbPrG5ztefG4NQ==\n-----END PUBLIC KEY-----\n",
  ).toString("base64");
  const digests: string[] = [];
  let edge = emptyEdge();
  for (let b = 0; b * TILE_WIDTH < n; b++) {
    const entries: Uint8Array[] = [];
    for (let i = b * TILE_WIDTH; i < Math.min(n, (b + 1) * TILE_WIDTH); i++) {
      const digest = createHash("sha256").update(`artifact ${i}`).digest("hex");
      digests.push(digest);
      const sig = createHash("sha512").update(`sig ${i}`).digest("base64");
      entries.push(
        Buffer.from(
          JSON.stringify({
            apiVersion: "0.0.1",
            kind: "hashedrekord",
            spec: {
              data: { hash: { algorithm: "sha256", value: digest } },
              signature: { content: sig, publicKey: { content: pem } },
            },
          }),
        ),
      );
    }
    const width = tileWidth(ENTRIES_LEVEL, b, n);
    write(tilePath({ level: ENTRIES_LEVEL, index: b, width }), encodeBundle(entries));
    const r = appendLeaves(
      edge,
      entries.map(
        (e) =>
          new Uint8Array(
            createHash("sha256")
              .update(Buffer.from([0]))
              .update(e)
              .digest(),
          ),
      ),
    );
    edge = r.edge;
    for (const t of r.tiles) if (t.tile.width === TILE_WIDTH) write(tilePath(t.tile), t.data);
  }
  for (const t of edgeTiles(edge)) write(tilePath(t.tile), t.data);
  write(
    "checkpoint",
    signNote(formatCheckpoint({ origin, size: n, root: edgeRoot(edge), extensions: [] }), [newSigner(skey)]),
  );
  return { vkey, digests };
}

if (import.meta.main) {
  const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 200_000);
  const dir = mkdtempSync(join(tmpdir(), "edgelog-monitor-bench-"));
  const t0 = performance.now();
  const { vkey, digests } = buildSyntheticLog(dir, n);
  const built = performance.now();
  let matched = 0;
  const r = await monitorOnce({
    fetchPath: pathFetcher(dir),
    verifiers: [newVerifier(vkey)],
    saved: null,
    watch: { digests: new Set([digests[Math.floor(n / 2)]!]), keys: new Set(), identities: new Set(), emails: [] },
    onMatch: () => void matched++,
  });
  const seconds = (performance.now() - built) / 1000;
  console.log(
    JSON.stringify({
      entries: r.to,
      matched,
      seconds: +seconds.toFixed(3),
      entriesPerSecond: Math.round(r.to / seconds),
      buildSeconds: +((built - t0) / 1000).toFixed(2),
      node: process.version,
    }),
  );
  if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
  else console.error(`tiles kept in ${dir} (verifier key ${vkey})`);
}
