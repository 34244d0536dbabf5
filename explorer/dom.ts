/** A tiny DOM builder: elements from tag, attributes and children. Text is always set as text (never as HTML). */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | null | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el: Element, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "number" ? String(c) : c);
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A definition list from [term, description] rows; rows with an empty description are left out. */
export function facts(rows: [string, Child | Child[]][]): HTMLDListElement {
  const dl = h("dl", { class: "facts" });
  for (const [term, desc] of rows) {
    if (desc === undefined || desc === null || desc === "" || (Array.isArray(desc) && desc.length === 0)) continue;
    dl.append(h("dt", {}, term), h("dd", {}, ...(Array.isArray(desc) ? desc : [desc])));
  }
  return dl;
}

/** A long hex or base64 value: monospace and breakable, so it wraps on a phone. */
export function code(text: string): HTMLElement {
  return h("code", { class: "value" }, text);
}

/** An in-page link to a search. */
export function searchLink(by: string, value: string, label = value): HTMLAnchorElement {
  return h("a", { href: `#/search/${by}/${encodeURIComponent(value)}` }, label);
}
