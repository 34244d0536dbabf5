// The witness policy of a shard (src/witnessing/policy.ts via src/config.ts): off by default, read
// per shard by suffix, and refused with a message naming the setting when it is wrong.
import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/log/shards.ts";
import { generateCosignatureKey } from "../../src/tlog/cosignature.ts";
import { generateKey } from "../../src/tlog/note.ts";

const w1 = generateCosignatureKey("witness.example/w1").vkey;
const w2 = generateCosignatureKey("witness.example/w2").vkey;

describe("witness configuration", () => {
  it("is off unless configured", () => {
    expect(readConfig({}).witnesses).toMatchObject({
      witnesses: [],
      rule: { kind: "none" },
      quorum: 0,
      timeoutMs: 5000,
    });
  });

  it("reads the list, quorum and timeout per shard, falling back to the plain names", () => {
    const env = {
      SHARDS: "a,b",
      WITNESSES: `${w1} https://witness.example/w1/`,
      WITNESSES_B: `${w1} https://witness.example/w1,\n ${w2}   binding:WITNESS`,
      WITNESS_QUORUM_B: "2",
      WITNESS_TIMEOUT_MS: "1500",
    };
    const a = readConfig(env, "a").witnesses;
    expect(a.witnesses.map((w) => [w.name, w.vkey, w.target])).toEqual([
      ["witness.example/w1", w1, { kind: "url", url: "https://witness.example/w1" }],
    ]);
    expect([a.quorum, a.timeoutMs]).toEqual([0, 1500]);
    const b = readConfig(env, "b").witnesses;
    expect(b.witnesses.map((w) => w.target)).toEqual([
      { kind: "url", url: "https://witness.example/w1" },
      { kind: "binding", binding: "WITNESS" },
    ]);
    expect(b.quorum).toBe(2);
  });

  it("refuses a bad entry, key, address, duplicate, quorum or timeout, naming it", () => {
    const bad = (vars: Record<string, string>) => () => readConfig(vars);
    expect(bad({ WITNESSES: w1 })).toThrow(/must be "<verifier key> <https URL or binding:NAME>"/);
    expect(bad({ WITNESSES: `${generateKey("w").vkey} https://w.example` })).toThrow(
      /witness verifier key.*type byte must be 0x04 \(Ed25519\) or 0x06/,
    );
    expect(bad({ WITNESSES: `${w1} ftp://w.example` })).toThrow(/must be https/);
    expect(bad({ WITNESSES: `${w1} binding:` })).toThrow(/binding:NAME needs a binding name/);
    expect(bad({ WITNESSES: `${w1} witness.example` })).toThrow(/neither a URL nor binding:NAME/);
    expect(bad({ WITNESSES: `${w1} https://a.example, ${w1} https://b.example` })).toThrow(/listed twice/);
    expect(bad({ WITNESSES: `${w1} https://a.example`, WITNESS_QUORUM: "2" })).toThrow(
      /WITNESS_QUORUM must be an integer in \[0, 1\], got 2/,
    );
    expect(bad({ WITNESS_QUORUM: "1" })).toThrow(/WITNESS_QUORUM must be an integer in \[0, 0\]/);
    expect(bad({ WITNESS_TIMEOUT_MS: "soon" })).toThrow(/WITNESS_TIMEOUT_MS/);
  });
});
