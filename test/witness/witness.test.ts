// The witness (C2SP tlog-witness add-checkpoint) in workerd: the Witness Durable Object behind the
// edge router, configured per test with a fresh cosignature key and the logs it witnesses. Logs are
// built with src/tlog directly: a real log and a forked one signed with the SAME key.
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/index.ts";
import { formatCheckpoint } from "../../src/tlog/checkpoint.ts";
import { generateCosignatureKey, newCosignatureVerifier, verifyCosignatures } from "../../src/tlog/cosignature.ts";
import { toBase64, utf8Encode } from "../../src/tlog/encoding.ts";
import { EMPTY_ROOT, hashLeaf } from "../../src/tlog/hash.ts";
import { generateKey, newSigner, parseNote, signNote } from "../../src/tlog/note.ts";
import { memoryHashReader, proveConsistency } from "../../src/tlog/proof.ts";
import { naiveRoot } from "../../src/tlog/tree.ts";
import { CHECKPOINT_15, LOG_PUBLIC_KEY } from "../fixtures/tessera-testdata/index.ts";
import { recordingBody } from "../helpers/recording-body.ts";
import { MAX_REQUEST_BYTES } from "../../src/witness/protocol.ts";

interface TestLog {
  origin: string;
  vkey: string;
  skey: string;
  leaves: Uint8Array[];
}

let n = 0;
function newLog(): TestLog {
  const origin = `example.com/witnessed/${Date.now()}-${n++}`;
  const { skey, vkey } = generateKey(origin);
  return { origin, skey, vkey, leaves: [] };
}

function checkpointAt(log: TestLog, size: number, leaves = log.leaves, skey = log.skey): string {
  const root = size === 0 ? EMPTY_ROOT : naiveRoot(leaves.slice(0, size).map(hashLeaf));
  return signNote(formatCheckpoint({ origin: log.origin, size, root, extensions: [] }), [newSigner(skey)]);
}

async function proof(leaves: Uint8Array[], oldSize: number, size: number): Promise<string[]> {
  return (await proveConsistency(oldSize, size, memoryHashReader(leaves.slice(0, size).map(hashLeaf)))).map(toBase64);
}

const body = (old: number, proofLines: string[], note: string) =>
  `old ${old}\n${proofLines.map((l) => l + "\n").join("")}\n${note}`;

function setup(logs: TestLog[], extraVkeys: string[] = []) {
  const w = generateCosignatureKey(`witness.test/${Date.now()}-${n++}`);
  const e = {
    ...env,
    WITNESS_SIGNING_KEY: w.skey,
    WITNESSED_LOGS: [...logs.map((l) => l.vkey), ...extraVkeys].join(","),
  };
  const post = (b: string) =>
    app.fetch(
      new Request("http://localhost/witness/add-checkpoint", { method: "POST", body: b }),
      e,
      createExecutionContext(),
    );
  return { post, wvkey: w.vkey };
}

const grow = (log: TestLog, to: number, tag = "") => {
  while (log.leaves.length < to) log.leaves.push(utf8Encode(`leaf ${log.leaves.length}${tag}`));
};

describe("witness add-checkpoint", () => {
  it("cosigns a consistent checkpoint; the cosignature verifies with the witness's verifier key", async () => {
    const log = newLog();
    grow(log, 300);
    const { post, wvkey } = setup([log]);
    const cp10 = checkpointAt(log, 10);
    const r1 = await post(body(0, [], cp10));
    expect(r1.status).toBe(200);
    const line = await r1.text();
    expect(line).toMatch(/^— witness\.test\/\S+ [A-Za-z0-9+/=]+\n$/);
    const cosigned = parseNote(cp10 + line);
    const v = verifyCosignatures(cosigned.text, cosigned.sigs, [newCosignatureVerifier(wvkey)]);
    expect(v.valid).toHaveLength(1);
    expect(v.valid[0]!.timestamp).toBeGreaterThan(1_700_000_000);
    // Then 10 → 300 with a proof.
    const cp300 = checkpointAt(log, 300);
    const r2 = await post(body(10, await proof(log.leaves, 10, 300), cp300));
    expect(r2.status).toBe(200);
    const c2 = parseNote(cp300 + (await r2.text()));
    expect(verifyCosignatures(c2.text, c2.sigs, [newCosignatureVerifier(wvkey)]).valid).toHaveLength(1);
    // Re-submitting the same checkpoint (old = size) is cosigned again.
    expect((await post(body(300, [], cp300))).status).toBe(200);
  });

  it("answers 409 with its size for a stale or wrong old size", async () => {
    const log = newLog();
    grow(log, 50);
    const { post } = setup([log]);
    expect((await post(body(0, [], checkpointAt(log, 20)))).status).toBe(200);
    for (const old of [0, 10, 21]) {
      const r = await post(body(old, old === 0 ? [] : await proof(log.leaves, old, 50), checkpointAt(log, 50)));
      expect(r.status).toBe(409);
      expect(r.headers.get("content-type")).toBe("text/x.tlog.size");
      expect(await r.text()).toBe("20\n");
    }
    // A witness that has seen nothing answers 409 with 0 to a client that guesses.
    const fresh = newLog();
    grow(fresh, 5);
    const s = setup([fresh]);
    const r = await s.post(body(3, await proof(fresh.leaves, 3, 5), checkpointAt(fresh, 5)));
    expect(r.status).toBe(409);
    expect(await r.text()).toBe("0\n");
  });

  it("refuses an inconsistent checkpoint from a forked log signed with the same key (422) and keeps its state", async () => {
    const log = newLog();
    grow(log, 40);
    const fork: Uint8Array[] = log.leaves.slice(0, 30);
    while (fork.length < 60) fork.push(utf8Encode(`forked leaf ${fork.length}`));
    const { post } = setup([log]);
    expect((await post(body(0, [], checkpointAt(log, 40)))).status).toBe(200);
    // The fork's own proof (from its tree) does not connect the honest size-40 root to the fork's root.
    const forked = checkpointAt(log, 60, fork);
    const r = await post(body(40, await proof(fork, 40, 60), forked));
    expect(r.status).toBe(422);
    // Nor does the honest log's proof.
    grow(log, 60);
    expect((await post(body(40, await proof(log.leaves, 40, 60), forked))).status).toBe(422);
    // Same size, different root.
    expect((await post(body(40, [], checkpointAt(log, 40, fork.slice(0, 30).concat(fork.slice(30, 40)))))).status).toBe(
      422,
    );
    // The honest continuation is still cosigned: the refusals did not move the witness.
    expect((await post(body(40, await proof(log.leaves, 40, 60), checkpointAt(log, 60)))).status).toBe(200);
  });

  it("follows the spec's status table for the other refusals", async () => {
    const log = newLog();
    grow(log, 8);
    const other = newLog();
    const { post } = setup([log]);
    // Unknown origin.
    expect((await post(body(0, [], checkpointAt(other, 0)))).status).toBe(404);
    // Signed by another key with the log's name: no trusted signature.
    const impostor = generateKey(log.origin);
    expect((await post(body(0, [], checkpointAt(log, 8, log.leaves, impostor.skey)))).status).toBe(403);
    // A bad signature by the trusted key.
    const cp = checkpointAt(log, 8);
    const tampered = cp.replace(/ [A-Za-z0-9+/]{4}/, (m) => (m === " AAAA" ? " BBBB" : " AAAA"));
    expect((await post(body(0, [], tampered))).status).toBe(403);
    // Old size larger than the checkpoint.
    expect((await post(body(9, [], cp))).status).toBe(400);
    // Malformed.
    expect((await post("old x\n\n" + cp)).status).toBe(400);
    expect((await post("old 0\nnot base64!\n\n" + cp)).status).toBe(400);
    // Size 0 with a wrong root.
    const zero = signNote(
      formatCheckpoint({ origin: log.origin, size: 0, root: hashLeaf(new Uint8Array()), extensions: [] }),
      [newSigner(log.skey)],
    );
    expect((await post(body(0, [], zero))).status).toBe(422);
    expect((await post(body(0, [], checkpointAt(log, 0)))).status).toBe(200);
    // Old size 0 with a non-empty proof.
    expect((await post(body(0, [toBase64(EMPTY_ROOT)], cp))).status).toBe(422);
  });

  it("witnesses another tlog-tiles log: the tessera test log's checkpoint", async () => {
    const { post, wvkey } = setup([], [LOG_PUBLIC_KEY]);
    const r = await post(body(0, [], CHECKPOINT_15));
    // One DO per origin and tests share storage within a file: accept a previous run's state.
    expect([200, 409]).toContain(r.status);
    if (r.status === 200) {
      const c = parseNote(CHECKPOINT_15 + (await r.text()));
      expect(verifyCosignatures(c.text, c.sigs, [newCosignatureVerifier(wvkey)]).valid).toHaveLength(1);
    }
  });

  it("is 404 when no witness key is configured", async () => {
    // (The test deployment runs a witness for test/witness/log-witnessing.test.ts: remove its key here.)
    const e = { ...env, WITNESS_SIGNING_KEY: undefined };
    const r = await app.fetch(
      new Request("http://localhost:8787/witness/add-checkpoint", {
        method: "POST",
        body: "old 0\n\n" + CHECKPOINT_15,
      }),
      e,
      createExecutionContext(),
    );
    expect(r.status).toBe(404);
    expect(await r.text()).toMatch(/does not run a witness/);
  });

  it("through the Worker, answers 404 for a log it does not witness", async () => {
    const r = await exports.default.fetch(
      new Request("http://localhost:8787/witness/add-checkpoint", {
        method: "POST",
        body: "old 0\n\n" + CHECKPOINT_15,
      }),
    );
    expect(r.status).toBe(404);
    expect(await r.text()).toMatch(/unknown log origin/);
  });
  it("refuses a body over its limit while streaming it: chunked with no Content-Length, or with one that lies", async () => {
    const e = {
      ...env,
      WITNESS_SIGNING_KEY: generateCosignatureKey("witness.test/stream").skey,
      WITNESSED_LOGS: LOG_PUBLIC_KEY,
    };
    const chunk = 16 * 1024;
    const chunks = 128; // 2 MiB, 32 × the limit
    for (const headers of [{}, { "content-length": "100" }] as Record<string, string>[]) {
      const body = recordingBody(chunks, chunk);
      const r = await app.fetch(
        new Request("http://localhost/witness/add-checkpoint", { method: "POST", body: body.stream, headers }),
        e,
        createExecutionContext(),
      );
      expect(r.status, JSON.stringify(headers)).toBe(413);
      expect(await r.text()).toMatch(new RegExp(`exceeds ${MAX_REQUEST_BYTES} bytes`));
      // It stopped reading at the limit: at most the limit and a chunk, not the 2 MiB sent.
      expect(body.pulledBytes, JSON.stringify(headers)).toBeLessThanOrEqual(MAX_REQUEST_BYTES + chunk);
    }
  });
});
