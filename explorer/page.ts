/**
 * What every view of the explorer shares: the deployment the Worker described, the keys, the hits seen,
 * and the small pieces each view draws with (headings that take focus, status badges, announcements).
 */
import type { ExplorerConfig } from "./config.ts";
import { code, fill, h } from "./dom.ts";
import { sanValues } from "../src/entry/certificate.ts";
import { entryFacts } from "../src/entry/facts.ts";
import { pinnedKey } from "./pins.ts";
import type { Hit } from "./search.ts";
import { chooseKey, type KeyChoice, type PublishedKeys } from "./trust.ts";

/** The deployment, as the Worker wrote it into the page (src/api/explorer.ts). */
function readConfig(): ExplorerConfig {
  const cfg = JSON.parse(document.getElementById("edgelog-config")?.textContent ?? "null") as ExplorerConfig | null;
  if (!cfg || !Array.isArray(cfg.shards) || cfg.shards.length === 0)
    throw new Error("the page has no log configuration");
  return cfg;
}

export const cfg = readConfig();
export const view = document.getElementById("view")!;
const announcer = document.getElementById("announce")!;

export const state = {
  keys: { checkpointKeys: new Map(), v1Origins: new Map(), v2Origins: new Map(), v1Keys: [] } as PublishedKeys,
  keysError: null as string | null,
  /** Bumped on every navigation: async work for an older view does not draw over a newer one. */
  generation: 0,
};

/** Hits by "<shard>/<index>", so an entry opened from the results keeps what the API claimed. */
export const hits = new Map<string, Hit>();

export const shardOf = (name: string) => cfg.shards.find((s) => s.name === name);
export const keyFor = (origin: string): KeyChoice => chooseKey(origin, state.keys, pinnedKey(origin));
export const keyChoice = (shard: string): KeyChoice => keyFor(shardOf(shard)?.origin ?? "");
export const multiShard = cfg.shards.length > 1;

export function announce(text: string): void {
  announcer.textContent = "";
  // A change of text is what screen readers announce; set it on the next frame so a repeat is announced too.
  requestAnimationFrame(() => (announcer.textContent = text));
}

export function heading(text: string): HTMLHeadingElement {
  return h("h1", { tabindex: "-1" }, text);
}

export function errorBox(message: string): HTMLElement {
  return h("p", { class: "error", role: "alert" }, message);
}

const statusText: Record<string, string> = {
  verified: "Verified",
  failed: "Failed",
  skipped: "Not checked",
  pending: "Checking",
};
export function badge(status: string): HTMLElement {
  return h("span", { class: `badge ${status}` }, statusText[status] ?? status);
}

export function formatTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.000Z$/, " UTC");
}

/** Draws a view and moves focus to its heading when the user navigated (not on first load). */
export function show(nodes: (Node | null)[], focus: boolean): void {
  fill(view, ...nodes);
  if (focus) view.querySelector<HTMLElement>("h1")?.focus();
}

export function entryHref(shard: string, index: number): string {
  return `#/entry/${encodeURIComponent(shard)}/${index}`;
}

/** One line about an entry: type, who signed, what. */
export function hitSummary(hit: Hit): (Node | string)[] {
  const f = entryFacts(hit.leaf);
  const bits: (Node | string)[] = [];
  const id = f.signers.flatMap((s) =>
    s.certificate ? [...sanValues(s.certificate, "email"), ...sanValues(s.certificate, "uri")] : [],
  )[0];
  if (id) bits.push(`signed by ${id}`);
  else if (f.signers[0]?.keyFingerprint) bits.push(`key ${f.signers[0].keyFingerprint.slice(0, 16)}…`);
  if (f.digests[0]) bits.push(`${f.digests[0].label} ${f.digests[0].value.slice(0, 23)}…`);
  if (hit.integratedTime) bits.push(formatTime(hit.integratedTime));
  return [`${f.kind || "unknown"} ${f.version}`, ...bits.map((b) => ` · ${b}`)];
}

/** Which key the checks use, and what that is worth. */
export function keyNote(choice: KeyChoice): HTMLElement {
  const p = h("div", { class: "keynote" });
  if (choice.vkey === null) {
    p.append(errorBox(`The log publishes no checkpoint key for ${choice.origin}, and none is pinned.`));
    return p;
  }
  p.append(
    h(
      "p",
      {},
      `Checkpoints are verified with the ${choice.source === "pinned" ? "key you pinned" : "key the log publishes"}: `,
      code(choice.vkey),
      " ",
      h("a", { href: "#/key" }, "change"),
    ),
  );
  if (choice.source === "published") {
    p.append(
      h(
        "p",
        { class: "warn" },
        "This key comes from the same server as the log and this page, so these checks show the log is consistent with itself. Pin the key you expect, from a source you trust, to check the log against it.",
      ),
    );
  }
  if (choice.mismatch)
    p.append(errorBox(`The log now publishes a different key (${choice.published}) than the one you pinned.`));
  return p;
}
