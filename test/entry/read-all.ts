// Everything the log's readers take from one leaf, in a JSON-comparable form: the search index's keys (in order),
// the monitor's facts and what the explorer shows (without the fields a fresh test certificate varies in).
import { leafFacts } from "../../cli/facts.ts";
import { entryFacts } from "../../explorer/entry-facts.ts";
import { indexKeysOf } from "../../src/search/index-keys.ts";

export function readAll(leaf: Uint8Array): unknown {
  const { json: _json, ...explorer } = entryFacts(leaf);
  for (const s of explorer.signers) {
    if (s.certificate) s.certificate = { ...s.certificate, serial: "", notBefore: 0, notAfter: 0 };
  }
  return { index: indexKeysOf(leaf), monitor: leafFacts(leaf), explorer: JSON.parse(JSON.stringify(explorer)) };
}
