/** The search form and the results view: `#/search/<by>/<value>`, paged. */
import { h } from "./dom.ts";
import {
  announce,
  badge,
  cfg,
  entryHref,
  errorBox,
  heading,
  hits,
  hitSummary,
  keyChoice,
  multiShard,
  show,
  state,
  view,
} from "./page.ts";
import { proveComplete } from "./complete.ts";
import { guessSearch, normalizeQuery, search, searchLabel, type Hit, type SearchBy } from "./search.ts";

const form = document.getElementById("search") as HTMLFormElement;
const byInput = document.getElementById("search-by") as HTMLSelectElement;
const qInput = document.getElementById("search-q") as HTMLInputElement;
const searchError = h("p", { class: "error", role: "alert", id: "search-error", hidden: true });
form.append(searchError);

export const SEARCH_KINDS: SearchBy[] = ["digest", "email", "subject", "issuer", "repository", "key", "index", "uuid"];

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

function hitItem(hit: Hit): HTMLElement {
  hits.set(`${hit.shard}/${hit.index}`, hit);
  const label = multiShard ? `Entry ${hit.index} in ${hit.shard}` : `Entry ${hit.globalIndex ?? hit.index}`;
  return h(
    "li",
    {},
    h("a", { href: entryHref(hit.shard, hit.index) }, label),
    h("span", { class: "meta" }, ...hitSummary(hit)),
  );
}

export async function showSearch(by: SearchBy, value: string, focus: boolean): Promise<void> {
  const gen = state.generation;
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
    const page = await search(cfg, state.keys, by, value, cursor);
    if (gen !== state.generation) return;
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
    if (gen !== state.generation) return;
    pending.replaceWith(errorBox((e as Error).message));
    announce(`Search failed: ${(e as Error).message}`);
    return;
  }
  if (gen !== state.generation) return;
  more.addEventListener("click", () => {
    more.disabled = true;
    load()
      .catch((e) => list.after(errorBox((e as Error).message)))
      .finally(() => (more.disabled = false));
  });
  pending.replaceWith(count === 0 ? h("p", {}, "Nothing in the log matches.") : list);
  view.append(more);
  if (by !== "index" && by !== "uuid") view.append(completeness(by, value));
}

/**
 * "Prove complete": each shard's verifiable index shows that no entry with the key was left out, up to
 * the log size its signed map checkpoint is for (checked here with the shard's checkpoint key).
 */
function completeness(by: Exclude<SearchBy, "index" | "uuid">, value: string): HTMLElement {
  const section = h("section", { class: "completeness", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "secondary" }, "Prove the list complete");
  button.addEventListener("click", async () => {
    button.disabled = true;
    for (const shard of cfg.shards.filter((s) => s.state !== "pending")) {
      const where = multiShard ? ` in ${shard.name}` : "";
      const vkey = keyChoice(shard.name).vkey;
      const line = h("p", { class: "complete-result" });
      section.append(line);
      if (vkey === null) {
        line.append(badge("failed"), ` no checkpoint key for ${shard.origin}: cannot prove${where}`);
        continue;
      }
      line.append(badge("pending"), ` proving${where}…`);
      try {
        const r = await proveComplete(shard.name, vkey, by, value);
        const entries = r.indices.length === 1 ? "1 entry" : `${r.indices.length} entries`;
        const listed =
          r.indices.length > 0
            ? ` (log indices ${r.indices.slice(0, 20).join(", ")}${r.indices.length > 20 ? ", …" : ""})`
            : "";
        line.replaceChildren(
          badge("verified"),
          ` Complete up to log size ${r.size}${where}: ${entries} with this key${listed}, nothing left out.`,
        );
      } catch (e) {
        line.replaceChildren(badge("failed"), ` Not provably complete${where}: ${(e as Error).message}`);
      }
    }
    announce("Completeness checked");
  });
  section.append(button);
  return section;
}
