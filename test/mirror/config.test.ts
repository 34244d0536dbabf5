// MIRRORED_LOGS: the logs a deployment mirrors, each a verifier key (its name the origin) and a URL prefix;
// served at /mirror/<hex SHA-256 of the origin>/ (C2SP tlog-mirror). Bad settings are refused naming the setting.
import { describe, expect, it } from "vitest";
import { originHash, parseMirroredLogs } from "../../src/mirror/config.ts";
import { generateKey } from "../../src/tlog/note.ts";

const a = generateKey("log.example/a").vkey;
const b = generateKey("b.example").vkey;

describe("MIRRORED_LOGS", () => {
  it("reads keys and prefixes, comma- or newline-separated", () => {
    expect(parseMirroredLogs(undefined)).toEqual([]);
    expect(parseMirroredLogs(` ${a} https://log.example/a/ ,\n${b}  http://127.0.0.1:8080 `)).toEqual([
      { origin: "log.example/a", originHash: originHash("log.example/a"), vkey: a, url: "https://log.example/a" },
      { origin: "b.example", originHash: originHash("b.example"), vkey: b, url: "http://127.0.0.1:8080" },
    ]);
    // SHA-256("log.example/a"), as `printf %s log.example/a | sha256sum` prints it.
    expect(originHash("log.example/a")).toBe("b2d3e0cf2e483fbc179ff15f4e95ebef4f0ad5565d228215674c9ee83f0faf1d");
  });

  it("refuses malformed entries, keys, URLs and a log listed twice", () => {
    expect(() => parseMirroredLogs(a)).toThrow(
      /config: MIRRORED_LOGS: entry .* must be "<log verifier key> <https URL prefix>"/,
    );
    expect(() => parseMirroredLogs(`${a}x https://x.example`)).toThrow(
      /config: MIRRORED_LOGS: .*malformed verifier key/,
    );
    expect(() => parseMirroredLogs(`${a} ftp://x.example`)).toThrow(/is not an http\(s\) URL prefix/);
    expect(() => parseMirroredLogs(`${a} https://x.example, ${a} https://y.example`)).toThrow(
      /the log log.example\/a is listed twice/,
    );
  });
});
