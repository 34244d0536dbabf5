// C2SP tlog-cosignature's ML-DSA-44 type (0x06). Truth from outside: a signature made by Go's crypto/mldsa
// in filippo.io/torchwood (cmd/litewitness/testdata/mldsa.txt at commit fac5716bb321b939f69bc706463bcfd5835d13ae:
// the log example.com/mldsa-log signs its size-1 checkpoint with its ML-DSA-44 key, timestamp 0, and a
// witness verifies it as a cosignature). Cosignatures made here are checked against the spec's message
// layout written out again byte by byte in this file, not with the module's own message function.
import { ml_dsa44 } from "@noble/post-quantum/ml-dsa.js";
import { describe, expect, it } from "vitest";
import {
  generateCosignatureKey,
  MLDSA44_COSIGNATURE_BYTES,
  newCosignatureSigner,
  newCosignatureVerifier,
  verifyCosignatures,
} from "../../src/tlog/cosignature.ts";
import { fromBase64, toBase64 } from "../../src/tlog/encoding.ts";
import { parseNote } from "../../src/tlog/note.ts";

const TORCHWOOD_VKEY =
  "example.com/mldsa-log+b5df45c5+BuhtcL97l3dcitjZ8Y9J54gmQ1TWn/BMF0yePKpTzhlFCkN6ouJDf+9kT9wve4/Y+JGXBUjlRvktAynZ6XOQSO+fOaxyPOQAwrtbZKYXnZWSQj9gHPz18q6brnckUv87Rsk/m5GIBvH8J3ymxZjUQS+DnAUIbctLsG2DD6I/ou0JtXpPLvfGhPDTkwc9QeFyBLBa02Pr9uuWCMohciLqRiFUo5+leUUDKba1g5TYjOjK/VKfntpdbEwoqhTJTG4armjUeXdrYDHeaaMaCAnW5F0lMWYsHjqzRpKjeTjgItseaWKSm+ga/mzTAgqsbo5Ob/AwaXf4Av7/mN+ZM6vHON/NE7Ip5vpXpCiNb9YbEQavn+fjNucFxffCacvzXghvaaQ+3C/5h5lpR8jeajBFsFIOvdkYKizt29lCjqZDkYQgVfB9nWeH6rbayMkBdDpmRH03cI+urD0Eb5zvRuGJn3PgfwdyQJ3WcDH5Gqn5dkKs5NIVMBC+FfKeD47ruAIruda4JiiYCAxZbWgwzTI80N5lZFHEndmxKWaw6z/QyphuYkNyvZVZ0R3kH3JN4jdy9KKpNtFoQqnoBTGeEE/fXEEs5ByPlKnrrefRgWTqxssE4nPzHHr5GGgv/NKNTXNKI4LvNPH5yO3Vv/gIiDZxPPc1Jen8uKkmc0s3kT7XtcuWTlb+zdQeSme9ODj0IoVu29Eav2OsGJpReX7vZx9i2fVfHEMHY5nFew8L5RxcWmZFFiYhMFZnLvk/SWmHcwr3DhzZchrODhabHQ+S6S49Ws+5aoBBPM3mOrSSKHgobdI7BJrdzdT07kjzyiyS9Gyv8iylUHHMuuh1O05RNRcX5SXmenwGDPcT9HuLS+hoesO0FQgEt+jAR7vVyUUU2C6g6FC6QNfHL/EUsulvYIAS5fOK7acOeVnoJlpI57Bq+uzLZm6g7IZD0xxQwZPYyT4ek99l9HxDSrVnU0rAr+Tq5vVh5YxvDkQVWroYIWek/AI5awjmhgpW4LPapBhLk2ipkF5CmU3T0cm3ET5f14gYQZfz23nCsmZ7qyqiQilgOxJzVYacVoGAStGzJNY1wEf26MADW5McyQzYI/3Fpaa4Ay6p2yFmcJMfpqZnu4flgWMqN1UpMbbJ6I7hOrCFWryExK/nvSbRrErHTkPz2wvVfI+enbFz86c0iNb7naQKv6LoIZYEHFOCEsWGL/sCChn6BR4nk1qAakyXEQwi96CkIa3AX562F8lhw6CU4x7T+NWqi2AWfEXImJenORhMP69hGIFsiLAVIjHtsWtJOi8cu+Brg1bFERkB4ryUTrLf/jFeb6KifZ+s8PZWclDaOLMINZ3E78a5u6AzgXpigJsAJ1A4BY89muedrW2O8kFyh3TTTKyY4kedCW6L+8bFHV2Gce25ZulNC1mZs41XAI9CteeYaWaiL7uGMXgyQ73wr4ftwAEMdsoQVQsQriutS1AhpBGvjzPCwD5LC5p1fa0WXBQ1puuaNqr3IJodmDLhEIAsZcv1gdXMg8EQg9QLqgLLrBijU3GxFUQllS8lpQ4TLwFYUJ41+qt28JEeky/VzSEeQd/qob8cbyNM44o7INB+lbhEXEGWvVO8Ak+uWMY+PRKeY9OQcE6E27Nf3eUoHQXkwmXkjGgj0NKeXBIJc1k/Ws6WDbsU4graVKk5FQjwULcRngOpyiJQ/n8sObkAPXr+1rImK3lQJnxif/B6p5/tsh4rrcUht4yVIvFAaqsgAAE=";
const TORCHWOOD_SIG =
  "td9FxQAAAAAAAAAAkjFvCxC6244QGemHL0hurmk5M3Hj6noQQtBM1TiwnC1lFmT+t+cUG9W0ENlRQtV20lJFLKCzoJ08ulQEkfiVueKHeMyURh97Iup0R9d41Monv472jkyfDoX3ILyX/kEOuSV4Ed2tU4VmtDSbP0rofMWAbKJRMnzCpNIT5xMe3tRbWLVTvAtnX9OB4UMKL1dvGS/uuhqW9Ddjik2D8veitBvk3TbQcT8fanSyZqCbDZ5zzw5JS3Gu5oD1zK7z+KiyqbzKUhglESs7YXFbeU0E03FrXdAPYS6GAuZtBWTJp4DEm4rL+NqU6Xp0n2ehhqd1rFAJUAcsE5CFakQdlmKkkzVMy3VZYll5ptS0amlYfGqX6/N9bJAYdAoWWpdgCep5eXCutQcTQXc69UocKT99/vholeAP1097GfS+hNL2ndNS2ieMnj8XLD1LCHVoBjKZUIObB0lx3leGRe9VjYgTRAY2WlE+K32b6Iz1rKzzDD8YBNQdkHgdx44uPOU3I+8szYS6NzQ2Z0QlqAtz0j9vZu9yEUUxCEORAiMAHLtV5oWZ/RvSE7qq5B0b8WrHGPGoR/qUNK4ECmlIe/SRo6M7yRrPs3das3ox1bkC3f92c98ewHLeQtLwwsqQJny6rlYaiaiPMxgdT2CVcJEcKOfaK8pdy2fucBDxHrQitpGkeLJLmWk6LLxR/Ut6s6xNyyKSuZlVslS40n9MJ837uMmJFyecKPliwAj8HzTWQywSkMpEQfJyr4i2Kfa2paOZ4izmotRTfdvbFWlWFwuGLWOQ0X/pKaExpdNDwqahAwbfGkw/iHbsV7ZIlNIuSNs2ccQvnjM8xqkT6sYYVxYiHpmk5sOwGsdeiMdwQqn7Q/Lz+uc3F6k/r0Ox7MJTX6fPhFdhe8RJg/77USR/MIGiT4YZHV+XgrtbV0jvMEgB4yEOircsScaBmLv18tTn1GiGlzFjK/s7gOzjk70jf1qCZ1MNgDAPstd/5sXdwYON0FnA5zPUp9yMkq1/wZq+DuePQDT6nj8zgFrkrvl8s7nibKKaL2bKcje5YP3CFcXLZoESZnC3BJkV85VqXlAKl+dctM3vNfMVrqk3/boBARw27mdKLsysIREkWR4caByW0csjL3Js9tn1hB0yf6hIGo8mvPIUjPIXn1rFSSKWkQlq15wu2gwEo9FdVF5beMdF4LVwuO9PZ1Y4oXuRE2pIzMWq/jEzHAZ7GucP7yzU78X767ucrwO/AXjMlLUsLLFZaQcHHBsrQJLpy5w1Jn/L7XFyR2g0lBOdT+lSOhx7j33oIlzxmqdR47ovtkg+LJpbAJG7n/JiQ/h/xffe3VdqSsrB8S4ltKz+rq51swoZ59zmRzWaoNkyWX0eu0E7y6EfpfrKEmr0H+fYtVnJvCznWFKzbv7oDXKC0pOyKZsNctvFwhSGEEURCs1G+4IrAEWG2Y231thQ8HdMvaMcm+ocvBGhZjmE7bXFkdiJ7S09csFjljFDGCiGRiU+flxkyiqpa1DDgeFRWOEyNAdMeY2iQMTJU9ApqNVrPpjGbg7kL0HrfKCQM236d16DKfXIiUmZw/NONKnrliAIs6/WSzKdW/JUyTLiKfPV1ItODmw5eNz7lV36dR8g3us/bpWp4OaDIInrLxYZRfkLHLvXGGg5ogY2k/FMno/3UBbS0QfstK+ByB/pFVYCHWgDjctwpOHaqAAXAiWHAUh1KOpXBMv8qndpzhsYhvKbrL371aBST0e3iPW/K4x+kFfgdeClsftS9RnE8KDCf4Uz+9QMP9sxj4+ZACztE19eBVaSvCqv54wO6n5248UzbqPXzA1dweKQziw/FnPWC7qMrcs3jDi6PBPhpruk1xBy08MQg58l4YzuXrPm5gAyiUAyfNszvhTotaU02oljhvg24CycDo/2PvQY7sBmisIsVVeHssiRxg23CMgWHaPMDn6OM+IhF2xaAqJOjfnsFBWlvMg8LxsrBnOQ1YABVLLtMvCSaIvgBjPt8XtLn9gZ0HL9OvGsR3efWHTR5p4nZyuHH2Nm8F3nWKVkEI4p4H6Yo5O0hkzCi1ZB7QT3uEIeR0Hq3g/bLTzmm6XzsjWSmQ8CtPapmXX476QT44wU0CWJ096SqUGUq2ZCDg3kFkV0BuKPIfLCt4sYK9bjj8UZCqkhyHbVm2x+HQwk8mNnDbUd7PK89riPjA33KX0Sw32RE0uKtB0sC8m7t028aEupsRx56/M0jBgeYmEHuRrXpW9nuOkQPTBaHdmYBHNkzTF2arPzZK3diFuhKPvmSQh2CN6g8r0p3EN+dmps1fIUfHM6emkEuaod+ZG83vyJsyd5B2oPMTVP12z8VJtDRAYfA5bRj+HEw2aD4f23u/Zq3PHk2C9T5LTAu28WCuO/EpXGSIkq1/hRpyE0qhJSnPN9/iE74PoU1OgjGBv6uSUsNhNZJeMe2W23s8EAyStB5+u83IBgUctrGwXzNdoC9LY1p+kNFSAZXIggNB3alVzoS+D9rcCYTUAafpkdwLaYq5/w0wRchljkG61rl+gZCiwtqZv3SHVxO7kRTAzfHsGDB1yc/9Sz++IMGyFHYvuqtclhpHPPToFByaVl687b1P4t2i/U4fWPZ4BBhN5Q7HGTxubspw1GY2MjBYU5OXvEJu9aWeibkM/fg6QrxPRYNsJBNJQRywMjYHj6AefrZeGXGxSNgS50kCNBvV7XTli/17y3MFgR4WfNmBK3BqKb87v3DBMVnLHcqvw1ZVjFPv91q0XYaDdVFHqOnS4Fh5nfwh1qfuvKrUZlwFPcwW+pG4YDyjx90MTFugpQ6KfEusmUhB5Dqr79nYWbOhW3e0PCEZtxmVrH9EtCHEgO6wnkWjPke6XULARu0ECF1gZvQczEjKfzxCt6Rknz+27lXyzgzRyHWxr0kB/pFty+8IebrDfIW9757d+1QLonDTmkLQiirF0ygsgQALmk1KljcHD/qiAZPHh5YX+Q2VdDfIfGeMXmCg3nX5r5DINcx47fNHtgWeGn8MjF8Hnff6x+ZU/7YqcBrDOvGqn46FBvuRY0+mWkRo576207vQR/023owl7pXZ5p/75V5yDkTZWDtXsfKjpypcxrWIBsg5GC25nZdjQQGBtFUF1pfn+xvunq9AEIFidYY2Vyc3mYw8TW7PkVKis5PENhdbfJHDtIdIiQsLe+1Nr+/wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA4eKDU=";
const TORCHWOOD_TEXT = "example.com/mldsa-log\n1\n+zoErtsZtGO6sfiSV/v4UJSIyowisE8hvjw0q5+bD38=\n";

/** The spec's cosigned_message, written out from tlog-cosignature § ML-DSA-44 signed message. */
function specMessage(name: string, timestamp: bigint, origin: string, size: bigint, root: Uint8Array): Uint8Array {
  const enc = new TextEncoder();
  const u64 = (n: bigint) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, n);
    return [...b];
  };
  const n = enc.encode(name);
  const o = enc.encode(origin);
  return new Uint8Array([
    ...enc.encode("subtree/v1\n"),
    0,
    n.length,
    ...n,
    ...u64(timestamp),
    o.length,
    ...o,
    ...u64(0n),
    ...u64(size),
    ...root,
  ]);
}

describe("ML-DSA-44 cosignatures", () => {
  it("verifies torchwood's ML-DSA-44 signature (Go crypto/mldsa) and refuses it on another checkpoint", () => {
    const v = newCosignatureVerifier(TORCHWOOD_VKEY);
    expect(v.type).toBe("ml-dsa-44");
    expect(v.name).toBe("example.com/mldsa-log");
    expect(v.keyId).toBe(0xb5df45c5);
    expect(v.publicKey.length).toBe(1312);
    const note = parseNote(`${TORCHWOOD_TEXT}\n— example.com/mldsa-log ${TORCHWOOD_SIG}\n`);
    expect(note.sigs[0]!.sig.length).toBe(MLDSA44_COSIGNATURE_BYTES - 4);
    const r = verifyCosignatures(note.text, note.sigs, [v]);
    expect(r).toEqual({ valid: [{ name: "example.com/mldsa-log", keyId: 0xb5df45c5, timestamp: 0 }], invalid: [] });
    expect(v.verify(TORCHWOOD_TEXT.replace("\n1\n", "\n2\n"), note.sigs[0]!.sig)).toBeNull();
    expect(v.verify(TORCHWOOD_TEXT.replace("mldsa-log", "mldsa-log2"), note.sigs[0]!.sig)).toBeNull();
    const later = note.sigs[0]!.sig.slice();
    later[7] = 1;
    expect(v.verify(TORCHWOOD_TEXT, later)).toBeNull();
    // The message commits to the cosigner's name: the same key under another name does not verify.
    expect(verifyCosignatures(note.text, [{ ...note.sigs[0]!, name: "example.com/other" }], [v]).valid).toEqual([]);
  });

  it("signs the spec's cosigned_message: noble verifies our signature over the message written out here", () => {
    const seed = new Uint8Array(32).fill(7);
    const { skey, vkey } = generateCosignatureKey("witness.example/pq", seed, "ml-dsa-44");
    const signer = newCosignatureSigner(skey);
    expect(signer.type).toBe("ml-dsa-44");
    expect(signer.vkey).toBe(vkey);
    // The vkey carries 0x06 and the 1312-byte key that FIPS 204 KeyGen derives from the seed.
    const raw = fromBase64(vkey.split("+").slice(2).join("+"));
    expect(raw[0]).toBe(0x06);
    expect(toBase64(raw.subarray(1))).toBe(toBase64(ml_dsa44.keygen(seed).publicKey));
    const text = "example.com/log\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\nan extension line\n";
    const line = signer.cosignLine(text, 1679315147);
    const bytes = fromBase64(line.trim().split(" ")[2]!);
    expect(bytes.length).toBe(MLDSA44_COSIGNATURE_BYTES);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0)).toBe(signer.keyId);
    expect(new DataView(bytes.buffer, bytes.byteOffset + 4).getBigUint64(0)).toBe(1679315147n);
    const msg = specMessage(
      "witness.example/pq",
      1679315147n,
      "example.com/log",
      20852163n,
      fromBase64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="),
    );
    expect(ml_dsa44.verify(bytes.subarray(12), msg, raw.subarray(1))).toBe(true);
    // And our verifier: extension lines are not signed (the spec), a changed root is.
    const v = newCosignatureVerifier(vkey);
    expect(v.verify(text, bytes.subarray(4))).toBe(1679315147);
    expect(v.verify(text.replace("an extension line\n", ""), bytes.subarray(4))).toBe(1679315147);
    expect(v.verify(text.replace("CsUY", "DsUY"), bytes.subarray(4))).toBeNull();
  });

  it("refuses malformed ML-DSA-44 keys and wrong-length signatures", () => {
    const { vkey } = generateCosignatureKey("w.example/pq", new Uint8Array(32), "ml-dsa-44");
    const [name, id, b64] = [vkey.slice(0, vkey.indexOf("+")), vkey.split("+")[1]!, vkey.split("+").slice(2).join("+")];
    const raw = fromBase64(b64);
    expect(() => newCosignatureVerifier(`${name}+${id}+${toBase64(raw.subarray(0, 33))}`)).toThrow(
      /ml-dsa-44 key must be a type byte and 1312 bytes/,
    );
    const asEd = raw.slice();
    asEd[0] = 0x04;
    expect(() => newCosignatureVerifier(`${name}+${id}+${toBase64(asEd)}`)).toThrow(
      /ed25519 key must be a type byte and 32 bytes/,
    );
    const other = raw.slice();
    other[0] = 0x05;
    expect(() => newCosignatureVerifier(`${name}+${id}+${toBase64(other)}`)).toThrow(
      /type byte must be 0x04 \(Ed25519\) or 0x06 \(ML-DSA-44\)/,
    );
    const v = newCosignatureVerifier(vkey);
    expect(v.verify(TORCHWOOD_TEXT, new Uint8Array(8 + 64))).toBeNull();
    expect(v.verify(TORCHWOOD_TEXT, new Uint8Array(8 + 2420))).toBeNull();
  });

  it("an Ed25519 and an ML-DSA-44 cosignature on one checkpoint verify side by side", () => {
    const ed = generateCosignatureKey("w.example/ed");
    const pq = generateCosignatureKey("w.example/pq", undefined, "ml-dsa-44");
    const note =
      TORCHWOOD_TEXT +
      "\n" +
      newCosignatureSigner(ed.skey).cosignLine(TORCHWOOD_TEXT, 100) +
      newCosignatureSigner(pq.skey).cosignLine(TORCHWOOD_TEXT, 101);
    const n = parseNote(note);
    const r = verifyCosignatures(n.text, n.sigs, [newCosignatureVerifier(ed.vkey), newCosignatureVerifier(pq.vkey)]);
    expect(r.valid.map((c) => [c.name, c.timestamp])).toEqual([
      ["w.example/ed", 100],
      ["w.example/pq", 101],
    ]);
  });
});
