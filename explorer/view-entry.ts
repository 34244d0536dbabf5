/** One entry, `#/entry/<shard>/<index>`: what it is, and each verification check with its result. */
import { toHex } from "../src/tlog/encoding.ts";
import { hashLeaf } from "../src/tlog/hash.ts";
import { code, facts, fill, h, searchLink } from "./dom.ts";
import { sanValues } from "../src/entry/certificate.ts";
import { entryFacts, type EntrySigner } from "../src/entry/facts.ts";
import { shardBase } from "./config.ts";
import {
  announce,
  badge,
  cfg,
  errorBox,
  formatTime,
  heading,
  hits,
  keyChoice,
  keyNote,
  multiShard,
  shardOf,
  show,
  state,
} from "./page.ts";
import { pinnedWitnesses } from "./pins.ts";
import { v1Details } from "./search.ts";
import { summary, verifyEntry, type Check } from "./verify.ts";

function signerFacts(s: EntrySigner): HTMLElement {
  const c = s.certificate;
  const d = c?.display;
  const rows: [string, (Node | string)[] | Node | string | undefined][] = [];
  if (c) {
    rows.push([
      "Identity",
      [
        ...sanValues(c, "email").map((e) => searchLink("email", e)),
        ...sanValues(c, "uri").map((u) => searchLink("subject", u)),
        ...c.dnsNames,
      ].flatMap((x, i) => (i ? [", ", x] : [x])),
    ]);
    rows.push(["OIDC issuer", c.oidcIssuer ? searchLink("issuer", c.oidcIssuer) : undefined]);
  }
  if (d) {
    for (const [label, value] of d.fulcio)
      rows.push([label, label === "Source repository URI" ? searchLink("repository", value) : value]);
    rows.push(["Certificate subject", d.subject || "(empty)"]);
    rows.push(["Certificate issuer", d.issuer || "(empty)"]);
    rows.push(["Serial number", code(d.serial)]);
    rows.push(["Valid", `${formatTime(d.notBefore / 1000)} to ${formatTime(d.notAfter / 1000)}`]);
    rows.push(["Key", d.keyAlgorithm]);
  }
  if (s.keyFingerprint)
    rows.push([
      "Key fingerprint (SHA-256 of SPKI)",
      searchLink("key", `key:sha256:${s.keyFingerprint}`, s.keyFingerprint),
    ]);
  if (s.format && s.format !== "x509") rows.push(["Key format", s.format]);
  if (s.problem) rows.push(["Problem", s.problem]);
  if (c?.displayProblem) rows.push(["Problem", `certificate could not be read: ${c.displayProblem}`]);
  return h(
    "section",
    { class: "signer" },
    h("h3", {}, c ? `Signer (certificate, ${s.where})` : `Signer (public key, ${s.where})`),
    facts(rows),
  );
}

function checkItem(c: Check): HTMLElement {
  return h(
    "li",
    { class: `check ${c.status}`, "data-check": c.id, "data-status": c.status },
    badge(c.status),
    h("strong", {}, c.title),
    h("span", { class: "detail" }, c.detail),
  );
}

export async function showEntry(shard: string, index: number, focus: boolean): Promise<void> {
  const gen = state.generation;
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
      h(
        "section",
        { class: "verification", "aria-labelledby": "verification-title" },
        h("h2", { id: "verification-title" }, "Verification"),
        result,
        checksList,
        keyNote(choice),
        again,
      ),
      details,
    ],
    focus,
  );

  const run = async () => {
    again.disabled = true;
    const verified = await verifyEntry(
      {
        shard,
        index,
        vkey: choice.vkey,
        v1Keys: state.keys.v1Keys,
        witnesses: pinnedWitnesses(),
        leaf: hit?.leaf,
        claimed: hit?.claimed,
      },
      (checks) => {
        if (gen !== state.generation) return;
        fill(checksList, ...checks.map(checkItem));
        result.textContent = summary(checks);
        result.className = `summary ${checks.some((c) => c.status === "failed") ? "failed" : checks.every((c) => c.status === "verified") ? "verified" : ""}`;
      },
    );
    again.disabled = false;
    if (gen === state.generation) announce(summary(verified.checks));
    return verified;
  };
  again.addEventListener("click", () => void run());
  const verified = await run();
  if (gen !== state.generation) return;

  const leaf = verified.leaf ?? hit?.leaf;
  if (!leaf) {
    fill(details, errorBox("The entry could not be read from the log."));
    return;
  }
  const leafHash = toHex(hashLeaf(leaf));
  const v1 =
    hit?.integratedTime !== undefined || hit?.globalIndex !== undefined
      ? hit
      : await v1Details(cfg, state.keys, leafHash).catch(() => null);
  if (gen !== state.generation) return;
  const f = entryFacts(leaf);
  fill(
    details,
    facts([
      ["Type", `${f.kind || "unknown"} ${f.version}`],
      ["Shard", multiShard ? shard : undefined],
      ["Index", multiShard ? `${index} in ${shard}` : String(index)],
      [
        "Log index (Rekor v1)",
        v1?.globalIndex !== undefined && (multiShard || v1.globalIndex !== index) ? String(v1.globalIndex) : undefined,
      ],
      [
        "Integrated time",
        v1?.integratedTime
          ? formatTime(v1.integratedTime)
          : "not recorded (Rekor v2 entries carry no log time; a timestamp authority's time is in the signer's bundle)",
      ],
      ["Leaf hash (entry UUID)", code(leafHash)],
      // C2SP tlog-proof@v1: the entry, its inclusion proof and the cosigned checkpoint, to verify offline (`edgelog verify-proof`).
      [
        "Offline proof",
        h(
          "a",
          {
            href: `${shardBase(shard)}/proof/${index}`,
            download: `${shard}-${index}.tlog-proof`,
            "data-proof-link": true,
          },
          "Download .tlog-proof",
        ),
      ],
      ...f.digests.map((d): [string, Node] => [`Digest (${d.label})`, searchLink("digest", d.value)]),
    ]),
    f.problem ? h("p", { class: "warn" }, f.problem) : null,
    ...f.signers.map(signerFacts),
    h(
      "details",
      {},
      h("summary", {}, "Canonical body (the logged bytes)"),
      h("pre", { class: "json" }, JSON.stringify(f.json, null, 2) ?? ""),
    ),
  );
}
