// Everything the log's readers take from one leaf, in a JSON-comparable form: the search index's keys (in order),
// the monitor's facts and what the explorer shows (without the fields a fresh test certificate varies in).
import { leafFacts } from "../../cli/facts.ts";
import { sanValues } from "../../src/entry/certificate.ts";
import { entryFacts, type EntrySigner } from "../../src/entry/facts.ts";
import { indexKeysOf } from "../../src/search/index-keys.ts";

/** The rows the explorer shows of a signer (explorer/view-entry.ts). */
function shown(s: EntrySigner): unknown {
  const c = s.certificate;
  if (c && !c.display) return { where: s.where, problem: `certificate could not be read: ${c.displayProblem}` };
  return {
    where: s.where,
    ...(c && c.display
      ? {
          certificate: {
            subject: c.display.subject,
            issuer: c.display.issuer,
            serial: "",
            notBefore: 0,
            notAfter: 0,
            keyFingerprint: c.keyFingerprint,
            keyAlgorithm: c.display.keyAlgorithm,
            emails: sanValues(c, "email"),
            uris: sanValues(c, "uri"),
            dnsNames: c.dnsNames,
            oidcIssuer: c.oidcIssuer,
            fulcio: c.display.fulcio,
          },
        }
      : {}),
    ...(s.keyFingerprint ? { keyFingerprint: s.keyFingerprint } : {}),
    ...(s.format && s.format !== "x509" ? { format: s.format } : {}),
    ...(s.problem ? { problem: s.problem } : {}),
  };
}

export function readAll(leaf: Uint8Array): unknown {
  const f = entryFacts(leaf);
  const explorer = {
    kind: f.kind || "unknown",
    version: f.version,
    digests: f.digests.map(({ label, value }) => ({ label, value })),
    signers: f.signers.map(shown),
    ...(f.problem ? { problem: f.problem } : {}),
  };
  return { index: indexKeysOf(leaf), monitor: leafFacts(leaf), explorer };
}
