/** The live view (home, `#/`): the shard's verified size, newest entries and the checkpoints seen over time. */
import type { TileReader } from "../src/client/tile-reader.ts";
import { toHex } from "../src/tlog/encoding.ts";
import { code, facts, fill, h } from "./dom.ts";
import { LiveLog } from "./live.ts";
import {
  announce,
  badge,
  cfg,
  entryHref,
  errorBox,
  heading,
  hitSummary,
  keyChoice,
  keyNote,
  shardOf,
  show,
  state,
} from "./page.ts";
import { pinnedWitnesses } from "./pins.ts";
import { shardReader } from "./verify.ts";

export const POLL_MS = 5_000;

let liveReader: { vkey: string; reader: TileReader } | null = null;
const live = new LiveLog(() => {
  const vkey = keyChoice(cfg.shard).vkey ?? "";
  if (liveReader?.vkey !== vkey) liveReader = { vkey, reader: shardReader(cfg.shard, vkey) };
  return liveReader.reader;
}, pinnedWitnesses);
let recent: Awaited<ReturnType<LiveLog["recent"]>> = [];
let onLiveChange: (() => void) | null = null;

/** The live view is no longer shown: polls keep the history but draw nothing. */
export function leaveLive(): void {
  onLiveChange = null;
}

/** The key changed (pinned or unpinned): read with a new reader. */
export function resetLiveReader(): void {
  liveReader = null;
}

export async function pollLive(): Promise<void> {
  if (keyChoice(cfg.shard).vkey === null) {
    live.error = state.keysError ?? "no checkpoint key for this shard";
    onLiveChange?.();
    return;
  }
  const changed = await live.poll();
  if (changed) recent = await live.recent();
  onLiveChange?.();
}

export function showLive(focus: boolean): void {
  const origin = shardOf(cfg.shard)?.origin ?? cfg.shard;
  const body = h("div", { class: "live" });
  const refresh = h("button", { type: "button", class: "secondary" }, "Refresh now");
  refresh.addEventListener("click", () => {
    refresh.disabled = true;
    void pollLive().finally(() => {
      refresh.disabled = false;
      const newest = live.history[0];
      if (newest?.consistency === "failed") announce(`Checkpoint of size ${newest.size} is ${newest.detail}`);
      else announce(live.latest ? `Tree size ${live.latest.size}` : "No verified checkpoint");
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
        [
          "Latest checkpoint",
          top
            ? [
                badge(top.consistency === "failed" ? "failed" : "verified"),
                ` signature verified, seen ${new Date(top.seenAt).toLocaleTimeString()}`,
              ]
            : undefined,
        ],
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
                h(
                  "span",
                  { class: "meta" },
                  r.leaf ? hitSummary({ shard: cfg.shard, index: r.index, leaf: r.leaf }) : r.detail,
                ),
              ),
            ),
          ),
      h("h2", {}, "Checkpoints seen by this page"),
      h(
        "p",
        { class: "help" },
        `Polled every ${POLL_MS / 1000} s while this page is open; each new one must extend the one before.`,
      ),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "history" },
          h("caption", { class: "sr-only" }, "Checkpoints seen, newest first"),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, "Seen"),
              h("th", { scope: "col" }, "Tree size"),
              h("th", { scope: "col" }, "Root"),
              h("th", { scope: "col" }, "Consistency"),
            ),
          ),
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
                h(
                  "td",
                  {},
                  badge(c.consistency === "skipped" ? "verified" : c.consistency),
                  " ",
                  h("span", { class: "detail" }, c.detail),
                ),
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
    ? h(
        "p",
        { class: "help" },
        "Other shards of this log: ",
        others.flatMap((s, i) => [i ? ", " : "", h("a", { href: `/${s.name}/` }, `${s.name} (${s.state})`)]),
      )
    : null;
  const shardState = shardOf(cfg.shard)?.state;
  show(
    [
      heading(`Live: ${origin}${shardState && shardState !== "active" ? ` (${shardState})` : ""}`),
      switcher,
      refresh,
      body,
    ],
    focus,
  );
}
