// Time from witnesses (src/client/witnessed-time.ts): the earliest verified cosignature time on a checkpoint,
// never one that did not verify or was not checked, and never an ML-DSA-44 timestamp 0 (no statement of time).
import { describe, expect, it } from "vitest";
import { cosignatureReport } from "../../src/client/verify-checkpoint.ts";
import { describeWitnessedTime, witnessedTime } from "../../src/client/witnessed-time.ts";
import { generateCosignatureKey, newCosignatureSigner, newCosignatureVerifier } from "../../src/tlog/cosignature.ts";
import { generateKey, newSigner, newVerifier, signNote } from "../../src/tlog/note.ts";

const log = generateKey("time.example");
const text = "time.example\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
const a = generateCosignatureKey("w.example/a");
const b = generateCosignatureKey("w.example/b", undefined, "ml-dsa-44");
const c = generateCosignatureKey("w.example/c");
const line = (k: { skey: string }, t: number) => newCosignatureSigner(k.skey).cosignLine(text, t);

describe("time from witnesses", () => {
  it("is the earliest verified cosignature time; unchecked ones do not count", async () => {
    const note = (await signNote(text, [newSigner(log.skey)])) + line(a, 2000) + line(b, 1500) + line(c, 1000);
    const r = cosignatureReport(
      note,
      [newVerifier(log.vkey)],
      [newCosignatureVerifier(a.vkey), newCosignatureVerifier(b.vkey)],
      0,
    );
    expect(witnessedTime(r, 5)).toEqual({ time: 1500, witness: "w.example/b", treeSize: 5 });
    expect(describeWitnessedTime(witnessedTime(r, 5)!)).toBe(
      "logged no later than 1970-01-01T00:25:00.000Z (cosigned by w.example/b on the checkpoint of size 5)",
    );
  });

  it("an ML-DSA-44 timestamp 0 states no time and gives no bound", async () => {
    const note = (await signNote(text, [newSigner(log.skey)])) + line(b, 0);
    const r = cosignatureReport(note, [newVerifier(log.vkey)], [newCosignatureVerifier(b.vkey)], 1);
    expect(r.verified).toBe(1);
    expect(witnessedTime(r, 5)).toBeNull();
  });
});
