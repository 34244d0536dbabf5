/**
 * The edgelog explorer, served by the Worker at `/` (src/api/explorer.ts): search, entries verified in the
 * browser, a live view of the log, and the key it all rests on. Hash routes, so every view has a URL:
 *   #/                       live view
 *   #/search/<by>/<value>    search results
 *   #/entry/<shard>/<index>  one entry, verified from tiles
 *   #/key                    the checkpoint keys, published and pinned
 */
import type { TileReader } from "../src/client/tile-reader.ts";
import { toHex } from "../src/tlog/encoding.ts";
import { hashLeaf } from "../src/tlog/hash.ts";
import type { ExplorerConfig } from "./config.ts";
import { code, facts, fill, h, searchLink } from "./dom.ts";
import { entryFacts, type Signer } from "./entry-facts.ts";
import { LiveLog } from "./live.ts";
import { guessSearch, normalizeQuery, search, searchLabel, v1Details, type Hit, type SearchBy } from "./search.ts";
import { pinnedKey, setPinnedKey } from "./pins.ts";
import { chooseKey, loadPublishedKeys, type KeyChoice, type PublishedKeys } from "./trust.ts";
import { shardReader, summary, verifyEntry, type Check } from "./verify.ts";

const POLL_MS = 5_000;
const SEARCH_KINDS: SearchBy[] = ["digest", "email", "subject", "issuer", "repository", "key", "index", "uuid"];

/** The deployment, as the Worker wrote it into the page (src/api/explorer.ts). */
function readConfig(): ExplorerConfig {
  const cfg = JSON.parse(document.getElementById("edgelog-config")?.textContent ?? "null") as ExplorerConfig | null;
  if (!cfg || !Array.isArray(cfg.shards) || cfg.shards.length === 0) throw new Error("the page has no log configuration");
  return cfg;
}

const cfg = readConfig();
const view = document.getElementById("view")!;
const announcer = document.getElementById("announce")!;
const form = document.getElementById("search") as HTMLFormElement;
const byInput = document.getElementById("search-by") as HTMLSelectElement;
const qInput = document.getElementById("search-q") as HTMLInputElement;

let keys: PublishedKeys = { checkpointKeys: new Map(), v1Origins: new Map(), v2Origins: new Map() };
let keysError: string | null = null;
/** Hits by "<shard>/<index>", so an entry opened from the results keeps what the API claimed. */
const hits = new Map<string, Hit>();
/** Bumped on every navigation: async work for an older view does not draw over a newer one. */
let generation = 0;

const shardOf = (name: string) => cfg.shards.find((s) => s.name === name);
const keyFor = (origin: string): KeyChoice => chooseKey(origin, keys, pinnedKey(origin));
const keyChoice = (shard: string): KeyChoice => keyFor(shardOf(shard)?.origin ?? "");
const multiShard = cfg.shards.length > 1;

function announce(text: string): void {
  announcer.textContent = "";
  // A change of text is what screen readers announce; set it on the next frame so a repeat is announced too.
  requestAnimationFrame(() => (announcer.textContent = text));
}

function heading(text: string): HTMLHeadingElement {
  return h("h1", { tabindex: "-1" }, text);
}

function errorBox(message: string): HTMLElement {
  return h("p", { class: "error", role: "alert" }, message);
}

const statusText: Record<string, string> = { verified: "Verified", failed: "Failed", skipped: "Not checked", pending: "Checking" };
function badge(status: string): HTMLElement {
  return h("span", { class: `badge ${status}` }, statusText[status] ?? status);
}

function formatTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace("T", " ").replace(/\.000Z$/, " UTC");
}

/** Draws a view and moves focus to its heading when the user navigated (not on first load). */
function show(nodes: (Node | null)[], focus: boolean): void {
  fill(view, ...nodes);
  if (focus) view.querySelector<HTMLElement>("h1")?.focus();
}

// ---- search ------------------------------------------------------------------------------------------------

const searchError = h("p", { class: "error", role: "alert", id: "search-error", hidden: true });
form.append(searchError);

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  searchError.hidden = true;
  const q = qInput.value;
  const by = byInput.value === "auto" ? guessSearch(q) : (byInput.value as SearchBy);
  try {
    if (by === null) throw new Error("cannot tell what this is: choose what to search by");
    location.hash = `#/search/${by}/${encodeURIComponent(normalizeQuery(by, q))}`;
  } catch (e) {
    searchError.textContent = (e as Error).message;
    searchError.hidden = false;
    qInput.setAttribute("aria-invalid", "true");
    qInput.focus();
    return;
  }
  qInput.removeAttribute("aria-invalid");
});

function hitSummary(hit: Hit): (Node | string)[] {
  const f = entryFacts(hit.leaf);
  const bits: (Node | string)[] = [];
  const id = f.signers.flatMap((s) => [...(s.certificate?.emails ?? []), ...(s.certificate?.uris ?? [])])[0];
  if (id) bits.push(`signed by ${id}`);
  else if (f.signers[0]?.keyFingerprint) bits.push(`key ${f.signers[0].keyFingerprint.slice(0, 16)}…`);
  if (f.digests[0]) bits.push(`${f.digests[0].label} ${f.digests[0].value.slice(0, 23)}…`);
  if (hit.integratedTime) bits.push(formatTime(hit.integratedTime));
  return [`${f.kind} ${f.version}`, ...bits.map((b) => ` · ${b}`)];
}

function entryHref(shard: string, index: number): string {
  return `#/entry/${encodeURIComponent(shard)}/${index}`;
}

function hitItem(hit: Hit): HTMLElement {
  hits.set(`${hit.shard}/${hit.index}`, hit);
  const label = multiShard ? `Entry ${hit.index} in ${hit.shard}` : `Entry ${hit.globalIndex ?? hit.index}`;
  return h("li", {}, h("a", { href: entryHref(hit.shard, hit.index) }, label), h("span", { class: "meta" }, ...hitSummary(hit)));
}

async function showSearch(by: SearchBy, value: string, focus: boolean): Promise<void> {
  const gen = generation;
  byInput.value = by;
  qInput.value = value;
  const title = `${searchLabel(by)} ${value}`;
  const pending = h("p", {}, "Searching…");
  show([heading(`Searching for ${title}`), pending], focus);
  const list = h("ol", { class: "results" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "More results");
  let cursor: string | undefined;
  let count = 0;
  const load = async () => {
    const page = await search(cfg, keys, by, value, cursor);
    if (gen !== generation) return;
    cursor = page.nextCursor;
    count += page.hits.length;
    list.append(...page.hits.map(hitItem));
    more.hidden = !cursor;
    const n = `${count}${cursor ? "+" : ""} ${count === 1 && !cursor ? "result" : "results"}`;
    const h1 = view.querySelector("h1");
    if (h1) h1.textContent = `${n} for ${title}`;
    announce(n.replace("+", " or more"));
  };
  try {
    await load();
  } catch (e) {
    if (gen !== generation) return;
    pending.replaceWith(errorBox((e as Error).message));
    announce(`Search failed: ${(e as Error).message}`);
    return;
  }
  if (gen !== generation) return;
  more.addEventListener("click", () => {
    more.disabled = true;
    load()
      .catch((e) => list.after(errorBox((e as Error).message)))
      .finally(() => (more.disabled = false));
  });
  pending.replaceWith(count === 0 ? h("p", {}, "Nothing in the log matches.") : list);
  view.append(more);
}

// ---- one entry ---------------------------------------------------------------------------------------------

function signerFacts(s: Signer): HTMLElement {
  const c = s.certificate;
  const rows: [string, (Node | string)[] | Node | string | undefined][] = [];
  if (c) {
    rows.push(["Identity", [...c.emails.map((e) => searchLink("email", e)), ...c.uris.map((u) => searchLink("subject", u)), ...c.dnsNames].flatMap((x, i) => (i ? [", ", x] : [x]))]);
    rows.push(["OIDC issuer", c.oidcIssuer ? searchLink("issuer", c.oidcIssuer) : undefined]);
    for (const [label, value] of c.fulcio) rows.push([label, label === "Source repository URI" ? searchLink("repository", value) : value]);
    rows.push(["Certificate subject", c.subject || "(empty)"]);
    rows.push(["Certificate issuer", c.issuer || "(empty)"]);
    rows.push(["Serial number", code(c.serial)]);
    rows.push(["Valid", `${formatTime(c.notBefore / 1000)} to ${formatTime(c.notAfter / 1000)}`]);
    rows.push(["Key", c.keyAlgorithm]);
  }
  if (s.keyFingerprint) rows.push(["Key fingerprint (SHA-256 of SPKI)", searchLink("key", `key:sha256:${s.keyFingerprint}`, s.keyFingerprint)]);
  if (s.format) rows.push(["Key format", s.format]);
  if (s.problem) rows.push(["Problem", s.problem]);
  return h("section", { class: "signer" }, h("h3", {}, c ? `Signer (certificate, ${s.where})` : `Signer (public key, ${s.where})`), facts(rows));
}

function keyNote(choice: KeyChoice): HTMLElement {
  const p = h("div", { class: "keynote" });
  if (choice.vkey === null) {
    p.append(errorBox(`The log publishes no checkpoint key for ${choice.origin}, and none is pinned.`));
    return p;
  }
  p.append(
    h("p", {}, `Checkpoints are verified with the ${choice.source === "pinned" ? "key you pinned" : "key the log publishes"}: `, code(choice.vkey), " ", h("a", { href: "#/key" }, "change")),
  );
  if (choice.source === "published") {
    p.append(h("p", { class: "warn" }, "This key comes from the same server as the log and this page, so these checks show the log is consistent with itself. Pin the key you expect, from a source you trust, to check the log against it."));
  }
  if (choice.mismatch) p.append(errorBox(`The log now publishes a different key (${choice.published}) than the one you pinned.`));
  return p;
}

function checkItem(c: Check): HTMLElement {
  return h("li", { class: `check ${c.status}`, "data-check": c.id, "data-status": c.status }, badge(c.status), h("strong", {}, c.title), h("span", { class: "detail" }, c.detail));
}

async function showEntry(shard: string, index: number, focus: boolean): Promise<void> {
  const gen = generation;
  if (!shardOf(shard)) {
    show([heading("No such shard"), errorBox(`This log has no shard called ${shard}.`)], focus);
    return;
  }
  const hit = hits.get(`${shard}/${index}`);
  const choice = keyChoice(shard);
  const checksList = h("ol", { class: "checks", "aria-label": "Verification checks" });
  const result = h("p", { class: "summary" }, "Verifying…");
  const again = h("button", { type: "button", class: "secondary" }, "Verify again");
  const details = h("div", { class: "entry-details" }, h("p", {}, "Reading the entry…"));
  show(
    [
      heading(`Entry ${index}${multiShard ? ` in ${shard}` : ""}`),
      h("section", { class: "verification", "aria-labelledby": "verification-title" }, h("h2", { id: "verification-title" }, "Verification"), result, checksList, keyNote(choice), again),
      details,
    ],
    focus,
  );

  const run = async () => {
    again.disabled = true;
    const verified = await verifyEntry({ shard, index, vkey: choice.vkey, leaf: hit?.leaf, claimed: hit?.claimed }, (checks) => {
      if (gen !== generation) return;
      fill(checksList, ...checks.map(checkItem));
      result.textContent = summary(checks);
      result.className = `summary ${checks.some((c) => c.status === "failed") ? "failed" : checks.every((c) => c.status === "verified") ? "verified" : ""}`;
    });
    again.disabled = false;
    if (gen === generation) announce(summary(verified.checks));
    return verified;
  };
  again.addEventListener("click", () => void run());
  const verified = await run();
  if (gen !== generation) return;

  const leaf = verified.leaf ?? hit?.leaf;
  if (!leaf) {
    fill(details, errorBox("The entry could not be read from the log."));
    return;
  }
  const leafHash = toHex(hashLeaf(leaf));
  const v1 = hit?.integratedTime !== undefined || hit?.globalIndex !== undefined ? hit : await v1Details(cfg, keys, leafHash).catch(() => null);
  if (gen !== generation) return;
  const f = entryFacts(leaf);
  fill(
    details,
    facts([
      ["Type", `${f.kind} ${f.version}`],
      ["Shard", multiShard ? shard : undefined],
      ["Index", multiShard ? `${index} in ${shard}` : String(index)],
      ["Log index (Rekor v1)", v1?.globalIndex !== undefined && (multiShard || v1.globalIndex !== index) ? String(v1.globalIndex) : undefined],
      ["Integrated time", v1?.integratedTime ? formatTime(v1.integratedTime) : "not recorded (Rekor v2 entries carry no log time; a timestamp authority's time is in the signer's bundle)"],
      ["Leaf hash (entry UUID)", code(leafHash)],
      ...f.digests.map((d): [string, Node] => [`Digest (${d.label})`, searchLink("digest", d.value)]),
    ]),
    f.problem ? h("p", { class: "warn" }, f.problem) : null,
    ...f.signers.map(signerFacts),
    h("details", {}, h("summary", {}, "Canonical body (the logged bytes)"), h("pre", { class: "json" }, JSON.stringify(f.json, null, 2) ?? "")),
  );
}

// ---- live view ---------------------------------------------------------------------------------------------

let liveReader: { vkey: string; reader: TileReader } | null = null;
const live = new LiveLog(() => {
  const vkey = keyChoice(cfg.shard).vkey ?? "";
  if (liveReader?.vkey !== vkey) liveReader = { vkey, reader: shardReader(cfg.shard, vkey) };
  return liveReader.reader;
});
let recent: Awaited<ReturnType<LiveLog["recent"]>> = [];
let onLiveChange: (() => void) | null = null;

async function pollLive(): Promise<void> {
  if (keyChoice(cfg.shard).vkey === null) {
    live.error = keysError ?? "no checkpoint key for this shard";
    onLiveChange?.();
    return;
  }
  const changed = await live.poll();
  if (changed) recent = await live.recent();
  onLiveChange?.();
}

function showLive(focus: boolean): void {
  const origin = shardOf(cfg.shard)?.origin ?? cfg.shard;
  const body = h("div", { class: "live" });
  const refresh = h("button", { type: "button", class: "secondary" }, "Refresh now");
  refresh.addEventListener("click", () => {
    refresh.disabled = true;
    void pollLive().finally(() => {
      refresh.disabled = false;
      announce(live.latest ? `Tree size ${live.latest.size}` : "No verified checkpoint");
    });
  });
  const draw = () => {
    const cp = live.latest;
    const top = live.history[0];
    fill(
      body,
      live.error ? errorBox(live.error) : null,
      facts([
        ["Tree size", cp ? h("span", { id: "live-size" }, String(cp.size)) : "no verified checkpoint yet"],
        ["Root hash", cp ? code(toHex(cp.root)) : undefined],
        ["Latest checkpoint", top ? [badge(top.consistency === "failed" ? "failed" : "verified"), ` signature verified, seen ${new Date(top.seenAt).toLocaleTimeString()}`] : undefined],
      ]),
      keyNote(keyChoice(cfg.shard)),
      h("h2", {}, "Recent entries"),
      recent.length === 0
        ? h("p", {}, cp ? "The log is empty." : "…")
        : h(
            "ul",
            { class: "recent" },
            recent.map((r) =>
              h(
                "li",
                { "data-status": r.status },
                h("a", { href: entryHref(cfg.shard, r.index) }, `Entry ${r.index}`),
                " ",
                badge(r.status),
                h("span", { class: "meta" }, r.leaf ? hitSummary({ shard: cfg.shard, index: r.index, leaf: r.leaf }) : r.detail),
              ),
            ),
          ),
      h("h2", {}, "Checkpoints seen by this page"),
      h("p", { class: "help" }, `Polled every ${POLL_MS / 1000} s while this page is open; each new one must extend the one before.`),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "history" },
          h("caption", { class: "sr-only" }, "Checkpoints seen, newest first"),
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Seen"), h("th", { scope: "col" }, "Tree size"), h("th", { scope: "col" }, "Root"), h("th", { scope: "col" }, "Consistency"))),
          h(
            "tbody",
            {},
            live.history.map((c) =>
              h(
                "tr",
                { "data-status": c.consistency },
                h("td", {}, new Date(c.seenAt).toLocaleTimeString()),
                h("td", {}, String(c.size)),
                h("td", {}, code(c.root.slice(0, 16) + "…")),
                h("td", {}, badge(c.consistency === "skipped" ? "verified" : c.consistency), " ", h("span", { class: "detail" }, c.detail)),
              ),
            ),
          ),
        ),
      ),
    );
  };
  onLiveChange = draw;
  draw();
  const others = cfg.shards.filter((s) => s.name !== cfg.shard && s.state !== "pending");
  const switcher = others.length
    ? h("p", { class: "help" }, "Other shards of this log: ", others.flatMap((s, i) => [i ? ", " : "", h("a", { href: `/${s.name}/` }, `${s.name} (${s.state})`)]))
    : null;
  const state = shardOf(cfg.shard)?.state;
  show([heading(`Live: ${origin}${state && state !== "active" ? ` (${state})` : ""}`), switcher, refresh, body], focus);
}

// ---- keys --------------------------------------------------------------------------------------------------

function showKeys(focus: boolean): void {
  const sections = cfg.shards.map((s) => {
    const choice = keyFor(s.origin);
    const id = `pin-${s.name}`;
    const input = h("textarea", { id, rows: 2, spellcheck: "false", "aria-describedby": `${id}-help` });
    input.value = pinnedKey(s.origin) ?? "";
    const msg = h("p", { role: "status", class: "help" });
    const pin = h("button", { type: "submit" }, "Pin this key");
    const unpin = h("button", { type: "button", class: "secondary" }, "Remove pin");
    const f = h(
      "form",
      { class: "pin" },
      h("label", { for: id }, `Expected checkpoint key for ${s.origin}`),
      input,
      h("p", { id: `${id}-help`, class: "help" }, `A verifier key: ${s.origin}+<8 hex>+<base64>.`),
      h("div", { class: "buttons" }, pin, unpin),
      msg,
    );
    f.addEventListener("submit", (ev) => {
      ev.preventDefault();
      try {
        setPinnedKey(s.origin, input.value);
        msg.textContent = "Pinned. Entries of this shard are now verified with this key.";
        liveReader = null;
      } catch (e) {
        msg.textContent = (e as Error).message;
      }
    });
    unpin.addEventListener("click", () => {
      setPinnedKey(s.origin, null);
      input.value = "";
      msg.textContent = "Pin removed: the published key is used.";
      liveReader = null;
    });
    return h(
      "section",
      { class: "shard-key" },
      h("h2", {}, `${s.name} (${s.state})`),
      facts([
        ["Origin", s.origin],
        ["Published key", choice.published ? code(choice.published) : "none"],
        ["Verifying with", choice.vkey ? `${choice.source} key` : "no key"],
      ]),
      choice.mismatch ? errorBox("The published key differs from your pinned key.") : null,
      f,
    );
  });
  show(
    [
      heading("Checkpoint keys"),
      h(
        "p",
        {},
        "The page learns each shard's checkpoint key from the log's published trust root (",
        h("a", { href: "/api/v1/trust/trusted_root.json" }, "trusted_root.json"),
        "). A key handed out by the same server only shows that the log agrees with itself: a compromised server could serve its own key. Pin the key you got from a source you trust (the operator's announcement, your Sigstore trusted root); it is kept in this browser, and the page then verifies with it and warns when the published key differs. The page itself also comes from this server: for an independent check, run `edgelog verify` with your own copy of the key.",
      ),
      keysError ? errorBox(`Could not read the published keys: ${keysError}`) : null,
      ...sections,
    ],
    focus,
  );
}

// ---- routing -----------------------------------------------------------------------------------------------

function route(focus: boolean): void {
  generation++;
  onLiveChange = null;
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  const [what, a, b] = parts;
  const nav = document.querySelectorAll<HTMLAnchorElement>("header a");
  nav.forEach((x) => x.removeAttribute("aria-current"));
  try {
    if (what === "search" && a && !SEARCH_KINDS.includes(a as SearchBy)) throw new Error(`cannot search by ${a}`);
    if (what === "search" && a && b !== undefined) return void showSearch(a as SearchBy, decodeURIComponent(parts.slice(2).join("/")), focus);
    if (what === "entry" && a && b && /^[0-9]+$/.test(b)) return void showEntry(decodeURIComponent(a), Number(b), focus);
    if (what === "key") return showKeys(focus);
    showLive(focus);
  } catch (e) {
    show([heading("Something went wrong"), errorBox((e as Error).message)], focus);
  }
}

async function start(): Promise<void> {
  document.getElementById("origin")!.textContent = shardOf(cfg.shard)?.origin ?? "";
  try {
    keys = await loadPublishedKeys();
  } catch (e) {
    keysError = (e as Error).message;
  }
  window.addEventListener("hashchange", () => route(true));
  route(false);
  await pollLive();
  setInterval(() => {
    if (!document.hidden) void pollLive();
  }, POLL_MS);
}

void start();
