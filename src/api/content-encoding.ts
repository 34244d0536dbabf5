/**
 * HTTP compression of the large immutable answers: entry bundles (C2SP tlog-tiles: they SHOULD be compressed,
 * clients SHOULD send `Accept-Encoding: gzip, identity`) and the explorer's script and stylesheet. Answered gzip'd
 * when the request's Accept-Encoding prefers gzip, else as they are; both answers say `Vary: Accept-Encoding`.
 * The gzip'd bytes are made once per isolate and object (the caller keeps them beside the identity bytes) and sent
 * with `encodeBody: "manual"`: workerd sends them as they are instead of compressing the body again. Hash tiles are
 * random hashes (nothing to gain): they are not negotiated.
 *
 * Cloudflare's front line replaces the Accept-Encoding a Worker sees with `br, gzip` and keeps the client's own in
 * `request.cf.clientAcceptEncoding` (Miniflare does the same): that is the one negotiated, the header only where
 * there is no such field (a request that did not come through the front line, e.g. a service binding or a test).
 * @module
 */

/** The weight of a coding (RFC 9110 §12.4.2: 0 to 1, at most three decimals), or undefined if malformed. */
function weight(params: string[]): number | undefined {
  let q = 1;
  for (const p of params) {
    const [name = "", value = ""] = p.split("=").map((s) => s.trim());
    if (name.toLowerCase() !== "q") continue;
    if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(value)) return undefined;
    q = Number(value);
  }
  return q;
}

/**
 * Whether a request with this Accept-Encoding (RFC 9110 §12.5.3) is answered gzip'd: gzip (or x-gzip, or `*` when
 * gzip is not named) has a weight above 0 and at least identity's, where identity is named. No header, an empty one,
 * `identity`, `gzip;q=0` or a header that prefers identity: the bytes as they are.
 */
export function prefersGzip(acceptEncoding: string | null): boolean {
  if (acceptEncoding === null) return false;
  let gzip: number | undefined;
  let identity: number | undefined;
  let any: number | undefined;
  for (const element of acceptEncoding.split(",")) {
    const [coding = "", ...params] = element.split(";").map((s) => s.trim());
    const q = weight(params);
    if (coding === "" || q === undefined) continue;
    const name = coding.toLowerCase();
    if (name === "gzip" || name === "x-gzip") gzip = Math.max(gzip ?? 0, q);
    else if (name === "identity") identity = Math.max(identity ?? 0, q);
    else if (name === "*") any = Math.max(any ?? 0, q);
  }
  const g = gzip ?? any ?? 0;
  return g > 0 && g >= (identity ?? 0);
}

/** `bytes` gzip'd (workerd's CompressionStream: native zlib). */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The gzip of a fixed object, made on the first request that wants it and kept (a failure is tried again). */
export function gzippedOnce(bytes: () => Uint8Array): () => Promise<Uint8Array> {
  let made: Promise<Uint8Array> | undefined;
  return () =>
    (made ??= gzip(bytes()).catch((e: unknown) => {
      made = undefined;
      throw e;
    }));
}

/** The Accept-Encoding the client sent (see the module comment). */
export function clientAcceptEncoding(request: Request): string | null {
  const original = (request.cf as { clientAcceptEncoding?: unknown } | undefined)?.clientAcceptEncoding;
  return typeof original === "string" ? original : request.headers.get("Accept-Encoding");
}

/**
 * The answer for `request`: `identity` as it is, or `gzipped()` with `Content-Encoding: gzip` if the request prefers
 * gzip; either way with `headers` and `Vary: Accept-Encoding` (a shared cache keeps one answer per encoding).
 */
export async function negotiated(
  request: Request,
  identity: Uint8Array,
  headers: Record<string, string>,
  gzipped: () => Promise<Uint8Array>,
): Promise<Response> {
  const vary = { ...headers, Vary: "Accept-Encoding" };
  if (!prefersGzip(clientAcceptEncoding(request))) return new Response(identity, { headers: vary });
  return new Response(await gzipped(), { encodeBody: "manual", headers: { ...vary, "Content-Encoding": "gzip" } });
}
