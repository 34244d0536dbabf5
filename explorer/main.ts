/**
 * The edgelog explorer, served by the Worker at `/` (src/api/explorer.ts): search, entries verified in the
 * browser, a live view of the log, and the key it all rests on. Hash routes, so every view has a URL:
 *   #/                       live view
 *   #/search/<by>/<value>    search results
 *   #/entry/<shard>/<index>  one entry, verified from tiles
 *   #/key                    the checkpoint keys, published and pinned
 */
import { cfg, errorBox, heading, shardOf, show, state } from "./page.ts";
import { loadPublishedKeys } from "./trust.ts";
import { showEntry } from "./view-entry.ts";
import { showKeys } from "./view-keys.ts";
import { leaveLive, pollLive, POLL_MS, showLive } from "./view-live.ts";
import { SEARCH_KINDS, showSearch } from "./view-search.ts";
import type { SearchBy } from "./search.ts";

function route(focus: boolean): void {
  if (location.hash !== "" && !location.hash.startsWith("#/")) return; // an in-page anchor, not a view
  state.generation++;
  leaveLive();
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  const [what, a, b] = parts;
  try {
    if (what === "search" && a && !SEARCH_KINDS.includes(a as SearchBy)) throw new Error(`cannot search by ${a}`);
    if (what === "search" && a && b !== undefined)
      return void showSearch(a as SearchBy, decodeURIComponent(parts.slice(2).join("/")), focus);
    if (what === "entry" && a && b && /^[0-9]+$/.test(b))
      return void showEntry(decodeURIComponent(a), Number(b), focus);
    if (what === "key") return showKeys(focus);
    showLive(focus);
  } catch (e) {
    show([heading("Something went wrong"), errorBox((e as Error).message)], focus);
  }
}

async function start(): Promise<void> {
  document.getElementById("origin")!.textContent = shardOf(cfg.shard)?.origin ?? "";
  try {
    state.keys = await loadPublishedKeys();
  } catch (e) {
    state.keysError = (e as Error).message;
  }
  window.addEventListener("hashchange", () => route(true));
  // The skip link moves focus to the content without changing the view (the hash holds the route).
  document.querySelector(".skip")?.addEventListener("click", (ev) => {
    ev.preventDefault();
    document.getElementById("main")?.focus();
  });
  route(false);
  await pollLive();
  setInterval(() => {
    if (!document.hidden) void pollLive();
  }, POLL_MS);
}

void start();
