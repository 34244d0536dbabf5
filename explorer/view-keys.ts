/** The keys view, `#/key`: each shard's published checkpoint key, and the key the user pins instead. */
import { code, facts, h } from "./dom.ts";
import { cfg, errorBox, heading, keyFor, show, state } from "./page.ts";
import { pinnedKey, pinnedWitnessKeys, setPinnedKey, setPinnedWitnessKeys } from "./pins.ts";
import { resetLiveReader } from "./view-live.ts";

export function showKeys(focus: boolean): void {
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
        resetLiveReader();
      } catch (e) {
        msg.textContent = (e as Error).message;
      }
    });
    unpin.addEventListener("click", () => {
      setPinnedKey(s.origin, null);
      input.value = "";
      msg.textContent = "Pin removed: the published key is used.";
      resetLiveReader();
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
      state.keysError ? errorBox(`Could not read the published keys: ${state.keysError}`) : null,
      ...sections,
      witnessForm(),
    ],
    focus,
  );
}

/** The witness keys the page checks cosignatures with: a witness's cosignature on a checkpoint then must verify. */
function witnessForm(): HTMLElement {
  const id = "pin-witnesses";
  const input = h("textarea", { id, rows: 3, spellcheck: "false", "aria-describedby": `${id}-help` });
  input.value = pinnedWitnessKeys().join("\n");
  const msg = h("p", { role: "status", class: "help" });
  const f = h(
    "form",
    { class: "pin-witnesses" },
    h("label", { for: id }, "Witness keys"),
    input,
    h(
      "p",
      { id: `${id}-help`, class: "help" },
      "Cosignature verifier keys, one per line: <name>+<8 hex>+<base64>. Checkpoints cosigned by these witnesses have their cosignatures verified; one that does not verify fails the entry.",
    ),
    h("div", { class: "buttons" }, h("button", { type: "submit" }, "Pin witness keys")),
    msg,
  );
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    try {
      setPinnedWitnessKeys(input.value);
      msg.textContent = "Pinned.";
    } catch (e) {
      msg.textContent = (e as Error).message;
    }
  });
  return h("section", { class: "witness-keys" }, h("h2", {}, "Witnesses"), f);
}
