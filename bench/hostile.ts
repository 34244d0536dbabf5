/**
 * `npm run bench -- --hostile`: the CPU time of the most expensive request of each kind this file can construct,
 * valid and invalid, sent one at a time to the Worker under Miniflare (workerd), with the verdict against the
 * per-request budget (50 ms).
 *
 * How CPU is measured: workerd is a child process of this one. Before and after each request the benchmark sums
 * the time every workerd thread has spent on a CPU (`/proc/<pid>/task/<tid>/schedstat`, first field, in
 * nanoseconds; the scheduler's own accounting, unaffected by other processes' load except through caches). The
 * request runs alone (sent, then its whole answer read), so the difference is what workerd spent on it: the
 * Worker's isolate, plus workerd's HTTP handling and, for writes, the Sequencer Durable Object and the local
 * R2/KV/D1 simulators, which a deployment does not bill to the Worker. It is an upper bound on the Worker's CPU
 * time. Each request is sent once to warm up (JIT, the Durable Object), then `REPEATS` times; the median is
 * reported. `GET /healthz` gives the floor (a request doing nothing). Timers inside workerd cannot do this: they
 * do not advance while a request computes.
 * @module
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { pae } from "../src/rekor/v2/entry.ts";
import { fixture as pkiFixture, fixtureText as pkiFixtureText } from "../test/fixtures/pki/index.ts";
import { fixture as rekordFixture } from "../test/fixtures/rekord/index.ts";
import {
  elgamalSubkeyKey,
  hugeDsaKey,
  keyWithSelfSignatures,
  rsaHugeExponentKey,
  unknownAlgorithmKey,
} from "../test/helpers/pgp-packets.ts";
import { startLog, type Bundle } from "./miniflare.ts";

/** The per-request CPU budget the hostile phase checks against, ms. */
export const HOSTILE_BUDGET_MS = 50;
const REPEATS = 5;
const BODY_LIMIT = 1 << 20;

export interface HostileRow {
  request: string;
  kind: "valid" | "invalid";
  status: number;
  bytes: number;
  cpuMs: number;
}

interface Case {
  request: string;
  kind: "valid" | "invalid";
  method?: string;
  path: string;
  /** A JSON body, or a factory for one (fresh per send, e.g. a new artifact so that an append is not a duplicate). */
  json?: unknown | (() => unknown);
  text?: string;
  status: number[];
  /** A write that is really appended (to the log the reads use), sequencer round included. */
  appended?: boolean;
}

// ---- CPU of the workerd process tree ------------------------------------------------------------------------------

function children(): Map<number, { ppid: number; comm: string }> {
  const out = new Map<number, { ppid: number; comm: string }>();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      out.set(Number(pid), { ppid: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]), comm });
    } catch {
      /* exited */
    }
  }
  return out;
}

/** The workerd processes this benchmark started (descendants of this process). */
function workerdPids(): number[] {
  const all = children();
  const own = new Set<number>([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of all) if (!own.has(pid) && own.has(p.ppid)) own.add(pid), (grew = true);
  }
  return [...own].filter((pid) => all.get(pid)?.comm === "workerd");
}

/** Nanoseconds on a CPU of every thread of these processes (schedstat's first field). */
function cpuNs(pids: number[]): number {
  let ns = 0;
  for (const pid of pids) {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        /* thread exited */
      }
    }
  }
  return ns;
}

// ---- signed requests made with node:crypto ------------------------------------------------------------------------

const b64 = (b: Uint8Array | Buffer) => Buffer.from(b).toString("base64");
const hex = (algorithm: string, b: Uint8Array) => createHash(algorithm).update(b).digest("hex");
const spki = (k: KeyObject) => new Uint8Array(k.export({ type: "spki", format: "der" }));
const pem = (k: KeyObject) => k.export({ type: "spki", format: "pem" }) as string;

interface Signer {
  pub: KeyObject;
  priv: KeyObject;
  keyDetails: string;
  hash: "sha256" | "sha512";
}

function p521(): Signer {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-521" });
  return { pub: publicKey, priv: privateKey, keyDetails: "PKIX_ECDSA_P521_SHA_512", hash: "sha512" };
}

function p256(): Signer {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { pub: publicKey, priv: privateKey, keyDetails: "PKIX_ECDSA_P256_SHA_256", hash: "sha256" };
}

function rsa4096(): Signer {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 4096 });
  return { pub: publicKey, priv: privateKey, keyDetails: "PKIX_RSA_PKCS1V15_4096_SHA256", hash: "sha256" };
}

let serial = 0;
const artifact = () => new TextEncoder().encode(`hostile bench artifact ${process.pid} ${serial++} ${Math.random()}`);

function v2HashedRekord(s: Signer, data = artifact()) {
  return {
    hashedRekordRequestV002: {
      digest: b64(createHash(s.hash).update(data).digest()),
      signature: {
        content: b64(sign(s.hash, data, s.priv)),
        verifier: { publicKey: { rawBytes: b64(spki(s.pub)) }, keyDetails: s.keyDetails },
      },
    },
  };
}

function v1HashedRekord(s: Signer, data = artifact()) {
  return {
    apiVersion: "0.0.1",
    kind: "hashedrekord",
    spec: {
      data: { hash: { algorithm: s.hash, value: hex(s.hash, data) } },
      signature: { content: b64(sign(s.hash, data, s.priv)), publicKey: { content: b64(Buffer.from(pem(s.pub))) } },
    },
  };
}

const IN_TOTO = "application/vnd.in-toto+json";

/**
 * A DSSE envelope over a payload of `payloadBytes` with one signature per entry of `signers`, made by that
 * verifier (an index into `verifiers`); with `breakLast`, the last signature verifies with none.
 */
function dsseParts(
  verifiers: Signer[],
  signers: number[],
  payloadBytes: number,
  hash: (s: Signer) => "sha256" | "sha512",
  breakLast = false,
) {
  const payload = new Uint8Array(payloadBytes).fill(0x7b);
  payload.set(artifact());
  const message = pae(IN_TOTO, payload);
  const sigs = signers.map((k, i) => {
    const sig = new Uint8Array(sign(hash(verifiers[k]!), message, verifiers[k]!.priv));
    if (breakLast && i === signers.length - 1) sig[sig.length - 1]! ^= 1;
    return sig;
  });
  return { payload, sigs };
}

interface DsseShape {
  verifiers: Signer[];
  signers: number[];
  payloadBytes: number;
  breakLast?: boolean;
}

function v1Dsse({ verifiers, signers, payloadBytes, breakLast }: DsseShape) {
  const { payload, sigs } = dsseParts(verifiers, signers, payloadBytes, () => "sha256", breakLast);
  const envelope = {
    payload: b64(payload),
    payloadType: IN_TOTO,
    signatures: sigs.map((s) => ({ keyid: "", sig: b64(s) })),
  };
  return {
    apiVersion: "0.0.1",
    kind: "dsse",
    spec: {
      proposedContent: {
        envelope: JSON.stringify(envelope),
        verifiers: verifiers.map((v) => b64(Buffer.from(pem(v.pub)))),
      },
    },
  };
}

function v2Dsse({ verifiers, signers, payloadBytes, breakLast }: DsseShape) {
  const { payload, sigs } = dsseParts(verifiers, signers, payloadBytes, (s) => s.hash, breakLast);
  return {
    dsseRequestV002: {
      envelope: {
        payload: b64(payload),
        payloadType: IN_TOTO,
        signatures: sigs.map((s) => ({ sig: b64(s), keyid: "" })),
      },
      verifiers: verifiers.map((v) => ({ publicKey: { rawBytes: b64(spki(v.pub)) }, keyDetails: v.keyDetails })),
    },
  };
}

/** in-toto carries one key per signature: signature i with verifiers[i]'s key, made by verifiers[signers[i]]. */
function v1Intoto({ verifiers, signers, payloadBytes, breakLast }: DsseShape) {
  const { payload, sigs } = dsseParts(verifiers, signers, payloadBytes, () => "sha256", breakLast);
  const envelope = {
    payload: b64(payload),
    payloadType: IN_TOTO,
    signatures: sigs.map((s) => ({ keyid: "", sig: b64(s) })),
  };
  return {
    apiVersion: "0.0.2",
    kind: "intoto",
    spec: {
      content: {
        envelope: {
          payloadType: IN_TOTO,
          payload: b64(Buffer.from(envelope.payload)),
          signatures: sigs.map((s, i) => ({
            keyid: `k${i}`,
            sig: b64(Buffer.from(b64(s))),
            publicKey: b64(Buffer.from(pem(verifiers[i]!.pub))),
          })),
        },
        hash: { algorithm: "sha256", value: hex("sha256", new TextEncoder().encode(JSON.stringify(envelope))) },
      },
    },
  };
}

function rekord(format: string, key: Uint8Array, sig: Uint8Array, data: Uint8Array) {
  return {
    apiVersion: "0.0.1",
    kind: "rekord",
    spec: { data: { content: b64(data) }, signature: { format, content: b64(sig), publicKey: { content: b64(key) } } },
  };
}

// ---- the cases ----------------------------------------------------------------------------------------------------

function cases(): Case[] {
  const P = p521();
  const R = rsa4096();
  const ten = Array.from({ length: 10 }, p521);
  const tenRsa = Array.from({ length: 10 }, rsa4096);
  const art = rekordFixture("artifact.txt");
  const big = new Uint8Array(512 * 1024).fill(0x61);
  const out: Case[] = [];
  const post = (request: string, kind: Case["kind"], path: string, json: Case["json"], status: number[]) =>
    out.push({ request, kind, method: "POST", path, json, status });
  const get = (request: string, kind: Case["kind"], path: string, status: number[]) =>
    out.push({ request, kind, path, status });
  const v1 = "/api/v1/log/entries";
  const v2 = "/api/v2/log/entries";
  const retrieve = "/api/v1/log/entries/retrieve";

  get("GET /healthz (floor: a request doing nothing)", "valid", "/healthz", [200]);
  // Rekor v2
  out.push({
    request: "v2 hashedrekord, ECDSA P-256, appended (the whole append, sequencer and storage simulators included)",
    kind: "valid",
    method: "POST",
    path: v2,
    json: () => v2HashedRekord(p256()),
    status: [201],
    appended: true,
  });
  post("v2 hashedrekord, ECDSA P-256", "valid", v2, () => v2HashedRekord(p256()), [201]);
  post("v2 hashedrekord, ECDSA P-521", "valid", v2, () => v2HashedRekord(P), [201]);
  post("v2 hashedrekord, RSA-4096", "valid", v2, () => v2HashedRekord(R), [201]);
  // DSSE: the most a request may verify (src/rekor/verification-budget.ts): 24 units (P-521: 4 each) or 2 MiB of PAE.
  const inOrder = (n: number) => Array.from({ length: n }, (_, i) => i);
  const byLast = (n: number) => Array<number>(n).fill(9);
  const sixInOrder = { verifiers: ten.slice(0, 6), signers: inOrder(6), payloadBytes: 170_000 };
  post(
    "v2 dsse, one signature over a 750 KB payload, P-521",
    "valid",
    v2,
    () => v2Dsse({ verifiers: ten.slice(0, 1), signers: [0], payloadBytes: 750_000 }),
    [201],
  );
  post(
    "v2 dsse, 6 signatures x 6 P-521 verifiers in order, 170 KB payload (24 units, 1 MB hashed)",
    "valid",
    v2,
    () => v2Dsse(sixInOrder),
    [201],
  );
  post(
    "v2 dsse, 10 x 10 RSA-4096 in order, 100 KB payload",
    "valid",
    v2,
    () => v2Dsse({ verifiers: tenRsa, signers: inOrder(10), payloadBytes: 100_000 }),
    [201],
  );
  post(
    "v2 dsse, 10 signatures by the last of 10 P-521 verifiers, 170 KB (refused after 6 attempts)",
    "invalid",
    v2,
    () => v2Dsse({ verifiers: ten, signers: byLast(10), payloadBytes: 170_000 }),
    [400],
  );
  post(
    "v2 dsse, 2 x 2 P-521 in order, 750 KB payload (refused at 1 MiB hashed)",
    "invalid",
    v2,
    () => v2Dsse({ verifiers: ten.slice(0, 2), signers: inOrder(2), payloadBytes: 750_000 }),
    [400],
  );
  post(
    "v2 dsse, 6 x 6 P-521, 170 KB payload, last signature broken",
    "invalid",
    v2,
    () => v2Dsse({ ...sixInOrder, breakLast: true }),
    [400],
  );
  // Rekor v1 writes
  post("v1 hashedrekord, ECDSA P-521", "valid", v1, () => v1HashedRekord(P), [201]);
  post(
    "v1 hashedrekord, chain of 10 certificates (OpenSSL's P-256 certificate, each parsed twice)",
    "valid",
    v1,
    () => ({
      apiVersion: "0.0.1",
      kind: "hashedrekord",
      spec: {
        data: { hash: { algorithm: "sha256", value: Buffer.from(pkiFixture("message.sha256")).toString("hex") } },
        signature: {
          content: b64(pkiFixture("p256.sig-digest.der")),
          publicKey: { content: b64(Buffer.from(pkiFixtureText("p256.cert.pem").repeat(10))) },
        },
      },
    }),
    [201, 409],
  );
  post(
    "v1 hashedrekord, 700 KB PEM chain of garbage certificates",
    "invalid",
    v1,
    () => ({
      ...v1HashedRekord(P),
      spec: {
        ...v1HashedRekord(P).spec,
        signature: {
          content: "AAAA",
          publicKey: {
            content: b64(
              Buffer.from(
                `-----BEGIN CERTIFICATE-----\n${b64(new Uint8Array(40_000))}\n-----END CERTIFICATE-----\n`.repeat(10),
              ),
            ),
          },
        },
      },
    }),
    [400],
  );
  post(
    "v1 dsse, 6 signatures x 6 P-521 verifiers in order, 170 KB payload",
    "valid",
    v1,
    () => v1Dsse(sixInOrder),
    [201],
  );
  post(
    "v1 dsse, 10 signatures by the last of 10 P-521 verifiers, 170 KB (refused after 6 attempts)",
    "invalid",
    v1,
    () => v1Dsse({ verifiers: ten, signers: byLast(10), payloadBytes: 170_000 }),
    [400],
  );
  post(
    "v1 intoto, 6 signatures with their own P-521 keys, 170 KB payload",
    "valid",
    v1,
    () => v1Intoto(sixInOrder),
    [201],
  );
  post(
    "v1 intoto, 10 signatures all by the last key, 170 KB (refused after 6 attempts)",
    "invalid",
    v1,
    () => v1Intoto({ verifiers: ten, signers: byLast(10), payloadBytes: 170_000 }),
    [400],
  );
  post(
    "v1 rekord pgp, RSA-3072 (gpg)",
    "valid",
    v1,
    rekord("pgp", rekordFixture("pgp-rsa.pub.gpg"), rekordFixture("pgp-rsa.sig"), art),
    [201, 409],
  );
  post(
    "v1 rekord pgp, 512 KiB data, signature does not verify",
    "invalid",
    v1,
    rekord("pgp", rekordFixture("pgp-rsa.pub.gpg"), rekordFixture("pgp-rsa.sig"), big),
    [400],
  );
  post(
    "v1 rekord pgp, key with 32 self-signatures",
    "valid",
    v1,
    rekord("pgp", keyWithSelfSignatures(32), rekordFixture("pgp-ed25519.sig"), art),
    [201, 409],
  );
  post(
    "v1 rekord pgp, 16,384-bit DSA key",
    "invalid",
    v1,
    rekord("pgp", hugeDsaKey(), rekordFixture("pgp-ed25519.sig"), art),
    [400],
  );
  post(
    "v1 rekord pgp, RSA key with a 4,096-bit exponent",
    "invalid",
    v1,
    rekord("pgp", rsaHugeExponentKey(), rekordFixture("pgp-ed25519.sig"), art),
    [400],
  );
  post(
    "v1 rekord pgp, ElGamal subkey",
    "invalid",
    v1,
    rekord("pgp", elgamalSubkeyKey(), rekordFixture("pgp-ed25519.sig"), art),
    [400],
  );
  post(
    "v1 rekord pgp, unknown algorithm",
    "invalid",
    v1,
    rekord("pgp", unknownAlgorithmKey(), rekordFixture("pgp-ed25519.sig"), art),
    [400],
  );
  post(
    "v1 rekord ssh, RSA-3072",
    "valid",
    v1,
    rekord("ssh", rekordFixture("ssh-rsa.pub"), rekordFixture("ssh-rsa.sig"), art),
    [201, 409],
  );
  post(
    "v1 rekord minisign (prehashed)",
    "valid",
    v1,
    rekord("minisign", rekordFixture("minisign-a.pub"), rekordFixture("minisign-a.prehashed.minisig"), art),
    [201, 409],
  );
  post(
    "v1 rekord x509, 512 KiB data, signature does not verify",
    "invalid",
    v1,
    rekord("x509", rekordFixture("x509-rsa.pub.pem"), rekordFixture("x509-rsa.sig"), big),
    [400],
  );
  // v1 retrieve: up to 10 proposed entries, each verified
  post("v1 retrieve, 1 hashedrekord P-521 entry", "valid", retrieve, () => ({ entries: [v1HashedRekord(P)] }), [200]);
  post(
    "v1 retrieve, 2 hashedrekord P-521 entries (24 units)",
    "valid",
    retrieve,
    () => ({ entries: Array.from({ length: 2 }, () => v1HashedRekord(P)) }),
    [200],
  );
  post(
    "v1 retrieve, 10 hashedrekord P-521 entries (refused at the 3rd)",
    "invalid",
    retrieve,
    () => ({ entries: Array.from({ length: 10 }, () => v1HashedRekord(P)) }),
    [400],
  );
  post(
    "v1 retrieve, 8 hashedrekord RSA-4096 entries (24 units)",
    "valid",
    retrieve,
    () => ({ entries: Array.from({ length: 8 }, () => v1HashedRekord(R)) }),
    [200],
  );
  post(
    "v1 retrieve, 6 dsse entries of 1 P-521 signature, 100 KB payloads (24 units)",
    "valid",
    retrieve,
    () => ({
      entries: Array.from({ length: 6 }, () =>
        v1Dsse({ verifiers: ten.slice(0, 1), signers: [0], payloadBytes: 100_000 }),
      ),
    }),
    [200],
  );
  post(
    "v1 retrieve, 10 dsse entries of 10 x 10 P-521 by the last, 10 KB payloads (refused after 6 attempts)",
    "invalid",
    retrieve,
    () => ({
      entries: Array.from({ length: 10 }, () => v1Dsse({ verifiers: ten, signers: byLast(10), payloadBytes: 10_000 })),
    }),
    [400],
  );
  post(
    "v1 retrieve, 2 pgp keys with 32 self-signatures (18 units)",
    "valid",
    retrieve,
    { entries: Array(2).fill(rekord("pgp", keyWithSelfSignatures(32), rekordFixture("pgp-ed25519.sig"), art)) },
    [200],
  );
  post(
    "v1 retrieve, 10 pgp keys with 32 self-signatures (refused at the 3rd)",
    "invalid",
    retrieve,
    { entries: Array(10).fill(rekord("pgp", keyWithSelfSignatures(32), rekordFixture("pgp-ed25519.sig"), art)) },
    [400],
  );
  post(
    "v1 retrieve, 10 x 16,384-bit DSA pgp keys",
    "invalid",
    retrieve,
    { entries: Array(10).fill(rekord("pgp", hugeDsaKey(), rekordFixture("pgp-ed25519.sig"), art)) },
    [400],
  );
  // JSON, reads, search, proofs
  post("JSON nested 1 MiB deep", "invalid", v2, "[".repeat(BODY_LIMIT - 16), [400]);
  post(
    "1 MiB of JSON strings",
    "invalid",
    v2,
    JSON.stringify({ hashedRekordRequestV002: { digest: "A".repeat(BODY_LIMIT - 100) } }),
    [400],
  );
  get(
    "GET /api/v1/log/proof, firstSize=1, lastSize=tree size",
    "valid",
    "/api/v1/log/proof?firstSize=1&lastSize=SIZE",
    [200],
  );
  get(
    "GET /api/v1/log/proof, lastSize=2^53-1",
    "invalid",
    "/api/v1/log/proof?firstSize=1&lastSize=9007199254740991",
    [400],
  );
  get("GET /api/v1/log/entries?logIndex=last", "valid", "/api/v1/log/entries?logIndex=LAST", [200]);
  get(
    "GET /api/v2/search, a key with 20 hits (a full page, the most there is)",
    "valid",
    `/api/v2/search?key=${encodeURIComponent("KEY")}`,
    [200],
  );
  get(
    "GET /api/v2/search, limit=21 (over the page limit)",
    "invalid",
    `/api/v2/search?key=${encodeURIComponent("KEY")}&limit=21`,
    [400],
  );
  post(
    "POST /api/v1/index/retrieve, a key with every hit",
    "valid",
    "/api/v1/index/retrieve",
    { publicKey: { format: "x509", content: "SEEDPEM" } },
    [200],
  );
  return out;
}

// ---- running ------------------------------------------------------------------------------------------------------

/** Writes go to a log whose sequencer refuses every leaf at its first check: all the edge's work, no round. */
const isWrite = (c: Case) =>
  c.method === "POST" && (c.path === "/api/v1/log/entries" || c.path === "/api/v2/log/entries");

export async function runHostile(bundle: Bundle, log: (line: string) => void): Promise<HostileRow[]> {
  const v1Key = generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ format: "pem", type: "pkcs8" })
    .toString();
  const reads = await startLog({
    scriptPath: bundle.scriptPath,
    port: 0,
    tickMs: 50,
    vars: { LOG_V1_SIGNING_KEY: v1Key },
  });
  const readPids = workerdPids();
  const writes = await startLog({
    scriptPath: bundle.scriptPath,
    port: 0,
    tickMs: 50,
    vars: { LOG_V1_SIGNING_KEY: v1Key, MAX_LEAF_BYTES: "1" },
  });
  const writePids = workerdPids().filter((p) => !readPids.includes(p));
  try {
    if (readPids.length === 0 || writePids.length === 0)
      throw new Error("no workerd process found under this benchmark");
    // A log to read from: 120 entries by one key (so search and index retrieve have a full page of hits).
    const seed = p521();
    for (let i = 0; i < 120; i++) {
      const data = artifact();
      const r = await fetch(new URL("/api/v2/log/entries", reads.url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(v2HashedRekord(seed, data)),
      });
      if (r.status !== 201) throw new Error(`seeding: ${r.status} ${await r.text()}`);
    }
    const size = Number((await (await fetch(new URL("/checkpoint", reads.url))).text()).split("\n")[1]);
    const keyQuery = `sha256:${hex("sha256", spki(seed.pub))}`;
    const rows: HostileRow[] = [];
    for (const c of cases()) {
      const write = isWrite(c) && !c.appended;
      const base = write ? writes.url : reads.url;
      const pids = write ? writePids : readPids;
      // A valid write is verified, canonicalized and handed to the sequencer, which refuses it (413).
      const expected = write && c.kind === "valid" ? [413] : c.status;
      const path = c.path
        .replace("SIZE", String(size))
        .replace("LAST", String(size - 1))
        .replace("KEY", encodeURIComponent(keyQuery));
      const send = async () => {
        const json = typeof c.json === "function" ? (c.json as () => unknown)() : c.json;
        const body =
          typeof json === "string"
            ? json
            : json === undefined
              ? undefined
              : JSON.stringify(json).replace("SEEDPEM", b64(Buffer.from(pem(seed.pub))));
        const init = {
          method: c.method ?? "GET",
          ...(body !== undefined ? { body, headers: { "content-type": "application/json" } } : {}),
        };
        // workerd may close an idle kept-alive connection just as it is reused: such a send is made again.
        let before = cpuNs(pids);
        const r = await fetch(new URL(path, base), init).catch(
          () => ((before = cpuNs(pids)), fetch(new URL(path, base), init)),
        );
        const text = await r.text();
        const ns = cpuNs(pids) - before;
        if (!expected.includes(r.status))
          throw new Error(`${c.request}: status ${r.status}, expected ${expected.join(" or ")}: ${text.slice(0, 300)}`);
        return { status: r.status, bytes: body?.length ?? 0, ms: ns / 1e6 };
      };
      await send();
      const runs = [];
      for (let i = 0; i < REPEATS; i++) runs.push(await send());
      const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
      const row: HostileRow = {
        request: c.request,
        kind: c.kind,
        status: runs[0]!.status,
        bytes: runs[0]!.bytes,
        cpuMs: Math.round(sorted[Math.floor(REPEATS / 2)]! * 10) / 10,
      };
      rows.push(row);
      log(
        `   ${row.cpuMs.toFixed(1).padStart(7)} ms  ${row.kind.padEnd(7)} ${String(row.status).padEnd(4)} ${String(row.bytes).padStart(8)} B  ${row.request}`,
      );
    }
    return rows;
  } finally {
    await writes.dispose();
    await reads.dispose();
  }
}
