/**
 * PEM (RFC 7468): strict decoding and Go's encoding, apart from key parsing so that readers of entries (src/entry)
 * need no ASN.1 library.
 * @module
 */
import { fromBase64, toBase64 } from "../tlog/encoding.ts";
import { SignatureError, assertBytes } from "./errors.ts";

/**
 * Bounded work on hostile input: key material larger than this is refused before parsing. A Rekor entry is at most
 * 65,535 bytes (Tessera entry bundles use a 16-bit length prefix, rekor-api.md §1.5), so a larger key can never be
 * logged anyway.
 */
export const MAX_KEY_MATERIAL_BYTES = 65_535;

export interface PemBlock {
  /** The label between "-----BEGIN " and "-----", e.g. "PUBLIC KEY" or "CERTIFICATE". */
  label: string;
  der: Uint8Array;
}

/**
 * Decodes one or more PEM blocks. Strict RFC 7468 §3 shape: only whitespace outside blocks, matching BEGIN/END
 * labels, no headers, standard padded base64 (whitespace between base64 lines is allowed, as in Go's `pem.Decode`).
 * @throws SignatureError (field "publicKey").
 */
export function decodePem(pem: string | Uint8Array): PemBlock[] {
  let text: string;
  if (typeof pem === "string") {
    text = pem;
  } else {
    assertBytes(pem, "pem");
    if (pem.length > MAX_KEY_MATERIAL_BYTES)
      throw new SignatureError("publicKey", `PEM larger than ${MAX_KEY_MATERIAL_BYTES} bytes`);
    for (const b of pem) if (b >= 0x80) throw new SignatureError("publicKey", "PEM must be ASCII");
    text = new TextDecoder().decode(pem); // ASCII: one character per byte
  }
  if (text.length > MAX_KEY_MATERIAL_BYTES)
    throw new SignatureError("publicKey", `PEM larger than ${MAX_KEY_MATERIAL_BYTES} bytes`);
  // A string caller may pass non-ASCII; PEM is ASCII (RFC 7468 §3).
  if (/[^\x00-\x7f]/.test(text)) throw new SignatureError("publicKey", "PEM must be ASCII");
  const blocks: PemBlock[] = [];
  const lines = text.split(/\r?\n/);
  let open: { label: string; body: string } | undefined;
  // Bounded by the number of lines, at most MAX_KEY_MATERIAL_BYTES.
  for (const raw of lines) {
    const line = raw.replace(/[ \t]+$/, "");
    if (open === undefined) {
      if (line.trim() === "") continue;
      const begin = /^-----BEGIN ([A-Z0-9]+(?: [A-Z0-9]+)*)-----$/.exec(line);
      if (begin === null) throw new SignatureError("publicKey", "unexpected text outside PEM blocks");
      open = { label: begin[1]!, body: "" };
      continue;
    }
    const end = /^-----END ([A-Z0-9]+(?: [A-Z0-9]+)*)-----$/.exec(line);
    if (end !== null) {
      if (end[1] !== open.label)
        throw new SignatureError("publicKey", `PEM END label "${end[1]}" does not match BEGIN "${open.label}"`);
      let der: Uint8Array;
      try {
        der = fromBase64(open.body, "PEM body");
      } catch {
        throw new SignatureError("publicKey", `PEM ${open.label} body is not standard padded base64`);
      }
      if (der.length === 0) throw new SignatureError("publicKey", `empty PEM ${open.label} block`);
      blocks.push({ label: open.label, der });
      open = undefined;
      continue;
    }
    if (line.includes(":")) throw new SignatureError("publicKey", "PEM headers are not supported");
    if (line.startsWith("-----")) throw new SignatureError("publicKey", "malformed PEM boundary line");
    open.body += line.replace(/[ \t]/g, "");
  }
  if (open !== undefined) throw new SignatureError("publicKey", `PEM ${open.label} block has no END line`);
  if (blocks.length === 0) throw new SignatureError("publicKey", "no PEM block found");
  return blocks;
}

/** PEM as Go's `pem.EncodeToMemory` writes it: 64-column base64 lines, "\n" line ends (Rekor v1 canonical form). */
export function encodePem(label: string, der: Uint8Array): string {
  assertBytes(der, "der");
  const b64 = toBase64(der);
  let out = `-----BEGIN ${label}-----\n`;
  for (let i = 0; i < b64.length; i += 64) out += b64.slice(i, i + 64) + "\n";
  return out + `-----END ${label}-----\n`;
}
