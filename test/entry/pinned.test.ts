// The search index's keys (the verifiable index map and D1 depend on them bit for bit), the monitor's facts and
// what the explorer shows, for every leaf of a fixed corpus of every kind (corpus.ts), against the values pinned
// in pinned.generated.ts. Regenerate only for a deliberate change, and say in the commit what changed.
import { describe, expect, it } from "vitest";
import { corpus } from "./corpus.ts";
import { PINNED } from "./pinned.generated.ts";
import { readAll } from "./read-all.ts";

describe("what is read from an entry", async () => {
  const leaves = await corpus();

  it("the corpus is the pinned one", () => {
    expect(leaves.map(([name]) => name)).toEqual(Object.keys(PINNED));
  });

  it.each(leaves)("%s", (name, leaf) => {
    expect(readAll(leaf)).toEqual(PINNED[name]);
  });
});
