// Witness policies in the C2SP tlog-policy text format (src/witnessing/policy.ts): the spec's example policy
// (§ Example policy, keys elided there and made here), the grammar's rules each triggered, the quorum
// evaluated over nested groups, and the shard settings (WITNESS_POLICY, WITNESSES shorthand) through src/config.ts.
import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/log/shards.ts";
import { generateCosignatureKey, type CosignatureType } from "../../src/tlog/cosignature.ts";
import { generateKey } from "../../src/tlog/note.ts";
import { describeQuorum, parseTlogPolicy, quorumMet, quorumSize, type Quorum } from "../../src/witnessing/policy.ts";

const key = (name: string, type: CosignatureType = "ed25519") => generateCosignatureKey(name, undefined, type).vkey;
const log = generateKey("example.com/log").vkey;
const X = [key("x.example/1"), key("x.example/2", "ml-dsa-44"), key("x.example/3")];
const Y = [key("y.example/1"), key("y.example/2"), key("y.example/3", "ml-dsa-44")];

/** The spec's example, with keys: two levels of groups. */
const EXAMPLE = `log ${log}

witness X1 ${X[0]}
witness X2 ${X[1]}
witness X3 ${X[2]}
group X-witnesses 2 X1 X2 X3

witness Y1 ${Y[0]}
witness Y2 ${Y[1]}
witness Y3 ${Y[2]}
group Y-witnesses any Y1 Y2 Y3

group X-and-Y all X-witnesses Y-witnesses
quorum X-and-Y
`;

const met = (q: Quorum, vkeys: string[]) => quorumMet(q, (w) => vkeys.includes(w.vkey));

describe("tlog-policy", () => {
  it("reads the spec's example: 2 of the X witnesses and 1 of the Y witnesses", () => {
    const p = parseTlogPolicy(EXAMPLE);
    expect(p.logs.map((l) => l.name)).toEqual(["example.com/log"]);
    expect(p.witnesses.map((w) => [w.name, w.verifier.type])).toEqual([
      ["X1", "ed25519"],
      ["X2", "ml-dsa-44"],
      ["X3", "ed25519"],
      ["Y1", "ed25519"],
      ["Y2", "ed25519"],
      ["Y3", "ml-dsa-44"],
    ]);
    expect(describeQuorum(p.quorum)).toBe("2 of (2 of (X1, X2, X3), 1 of (Y1, Y2, Y3))");
    expect(quorumSize(p.quorum)).toBe(3);
    expect(met(p.quorum, [X[0]!, X[1]!, Y[2]!])).toBe(true);
    expect(met(p.quorum, [X[0]!, X[1]!, X[2]!])).toBe(false); // no Y witness
    expect(met(p.quorum, [X[0]!, Y[0]!, Y[1]!, Y[2]!])).toBe(false); // one X witness
  });

  it("allows comments, blank lines, tabs, leading and trailing whitespace, URLs, and quorum none", () => {
    const p = parseTlogPolicy(
      `# a comment\n  \t\n\twitness  W1\t${X[0]}  https://w.example/w1  \n   # indented comment\nquorum none`,
    );
    expect(p.witnesses[0]).toMatchObject({ name: "W1", url: "https://w.example/w1" });
    expect(p.quorum).toEqual({ kind: "none" });
    expect(met(p.quorum, [])).toBe(true);
    expect(quorumSize(parseTlogPolicy(`witness W ${X[0]}\nquorum W\n`).quorum)).toBe(1);
  });

  it("refuses what the grammar rules out, naming the line", () => {
    const bad = (text: string, why: RegExp) => expect(() => parseTlogPolicy(text)).toThrow(why);
    bad(`witness W ${X[0]}\n`, /no quorum line/);
    bad(`quorum none\nquorum none\n`, /line 2: a second quorum line/);
    bad(`quorum W\nwitness W ${X[0]}\n`, /line 1: "W" is not defined on a line above/);
    bad(`witness W ${X[0]}\ngroup G 1 W V\nquorum G\n`, /line 2: "V" is not defined/);
    bad(`witness W ${X[0]}\nwitness W ${X[1]}\nquorum W\n`, /line 2: "W" is already defined/);
    bad(
      `witness W ${X[0]}\nwitness V ${X[0]}\nquorum W\n`,
      /line 2: duplicate witness: this public key is already listed/,
    );
    bad(`log ${log}\nlog ${log}\nquorum none\n`, /line 2: duplicate log/);
    bad(`witness none ${X[0]}\nquorum none\n`, /"none" is predefined/);
    bad(`witness W ${X[0]}\ngroup G any W none\nquorum G\n`, /"none" cannot be a group member/);
    bad(`witness W ${X[0]}\ngroup G 2 W W\nquorum G\n`, /"W" is already a group member/);
    bad(
      `witness W ${X[0]}\nwitness V ${X[1]}\ngroup G any W\ngroup H any W V\nquorum H\n`,
      /line 4: "W" is already a group member/,
    );
    bad(`witness W ${X[0]}\ngroup G 0 W\nquorum G\n`, /threshold "0" must be/);
    bad(`witness W ${X[0]}\ngroup G 2 W\nquorum G\n`, /threshold "2" must be .* 1 <= k <= 1/);
    bad(`witness W ${X[0]}\ngroup G some W\nquorum G\n`, /threshold "some"/);
    bad(`witness W ${X[0]}\ngroup G any\nquorum G\n`, /at least one member/);
    bad(`witness W ${log}\nquorum W\n`, /line 1: .*type byte must be 0x04 \(Ed25519\) or 0x06 \(ML-DSA-44\)/);
    bad(`log ${X[0]}\nquorum none\n`, /line 1: not a log verifier key/);
    bad(`witnesses W ${X[0]}\nquorum none\n`, /line 1: unknown keyword "witnesses"/);
    bad(`witness W ${X[0]} https://a.example extra\nquorum W\n`, /expected: witness <name> <vkey> \[<url>\]/);
    bad(`quorum none\r\n`, /line 1: control character 0x0d \(CRLF line ends are not allowed\)/);
    bad(`quorum\u000bnone\n`, /control character 0x0b/);
  });

  it("treats non-ASCII names as opaque bytes: K and the Kelvin sign are two names", () => {
    const p = parseTlogPolicy(`witness K ${X[0]}\nwitness \u212a ${X[1]}\ngroup G all K \u212a\nquorum G\n`);
    expect(describeQuorum(p.quorum)).toBe("2 of (K, \u212a)");
  });
});

describe("shard witness settings", () => {
  const url = "https://w.example/w";
  it("WITNESS_POLICY per shard, with URLs or bindings to ask each witness", () => {
    const env = {
      SHARDS: "a,b",
      WITNESS_POLICY_B: `witness X1 ${X[0]} ${url}1\nwitness X2 ${X[1]} binding:WITNESS\nwitness Y1 ${Y[0]} ${url}3/\ngroup X any X1 X2\ngroup XY all X Y1\nquorum XY\n`,
    };
    expect(readConfig(env, "a").witnesses).toMatchObject({ witnesses: [], rule: { kind: "none" }, quorum: 0 });
    const b = readConfig(env, "b").witnesses;
    expect(b.witnesses.map((w) => [w.name, w.target])).toEqual([
      ["x.example/1", { kind: "url", url: `${url}1` }],
      ["x.example/2", { kind: "binding", binding: "WITNESS" }],
      ["y.example/1", { kind: "url", url: `${url}3` }],
    ]);
    expect(describeQuorum(b.rule)).toBe("2 of (1 of (X1, X2), Y1)");
    expect(b.quorum).toBe(2);
  });

  it("the WITNESSES / WITNESS_QUORUM shorthand is k of all the listed witnesses", () => {
    const p = readConfig({
      WITNESSES: `${X[0]} ${url}1, ${X[1]} ${url}2, ${X[2]} ${url}3`,
      WITNESS_QUORUM: "2",
    }).witnesses;
    expect(describeQuorum(p.rule)).toBe("2 of (x.example/1, x.example/2, x.example/3)");
    expect(met(p.rule, [X[0]!, X[2]!])).toBe(true);
    expect(met(p.rule, [X[1]!])).toBe(false);
  });

  it("refuses a policy the log cannot follow, naming the setting", () => {
    const bad = (vars: Record<string, string>, why: RegExp) => expect(() => readConfig(vars)).toThrow(why);
    bad({ WITNESS_POLICY: `witness W ${X[0]}\nquorum W\n` }, /WITNESS_POLICY: witness W has no URL/);
    bad(
      { WITNESS_POLICY: `witness W ${X[0]} ftp://w.example\nquorum W\n` },
      /WITNESS_POLICY: witness W: witness URL ftp:\/\/w.example must be https/,
    );
    bad({ WITNESS_POLICY: `witness W ${X[0]} ${url}\n` }, /WITNESS_POLICY: policy has no quorum line/);
    bad(
      { WITNESS_POLICY: `quorum none`, WITNESSES: `${X[0]} ${url}` },
      /WITNESS_POLICY replaces WITNESSES and WITNESS_QUORUM/,
    );
  });
});
