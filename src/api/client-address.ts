/**
 * Who a request comes from, as rate limits count it: the client's IPv4 address, or the /64 prefix
 * of its IPv6 address (one subscriber's link gets a whole /64, so counting single IPv6 addresses
 * would let one client rotate through 2^64 of them). Cloudflare puts the client's address in
 * CF-Connecting-IP. With Pseudo IPv4 set to overwrite headers, that holds a stand-in Class E address
 * (240.0.0.0/4, never a real client's) hashed from the IPv6 one, and the real address is in
 * CF-Connecting-IPv6; only then is that header believed (a client can send it too). No address at
 * all (never so behind Cloudflare; local calls) is one client, "unknown".
 * @module
 */

/** The rate-limit key of a request's client: `ip4:<address>`, `ip6:<first 4 groups>::/64`, or "unknown". */
export function clientKey(headers: Headers): string {
  let ip = (headers.get("CF-Connecting-IP") ?? "").trim();
  if (ip === "") return "unknown";
  const v6 = headers.get("CF-Connecting-IPv6");
  if (v6 !== null && isClassE(ip)) ip = v6.trim();
  const v4 = ipv4(ip);
  if (v4) return `ip4:${v4}`;
  const groups = ipv6Groups(ip);
  if (groups) {
    // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 client.
    if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
      return `ip4:${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
    }
    return `ip6:${groups
      .slice(0, 4)
      .map((g) => g.toString(16))
      .join(":")}::/64`;
  }
  return `other:${ip.slice(0, 64)}`; // not an address: still one bucket per value, bounded in size
}

/** Class E (240.0.0.0/4): reserved, used by Cloudflare's Pseudo IPv4 for stand-in addresses. */
function isClassE(ip: string): boolean {
  const v4 = ipv4(ip);
  return v4 !== null && Number(v4.split(".")[0]) >= 240;
}

/** A dotted-quad IPv4 address, normalised (no leading zeros), or null. */
function ipv4(s: string): string | null {
  const m = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts.join(".") : null;
}

/** The eight 16-bit groups of an IPv6 address (RFC 4291 §2.2 text forms, zone id ignored), or null. */
function ipv6Groups(s: string): number[] | null {
  const text = s.replace(/%.*$/, "");
  const halves = text.split("::");
  if (halves.length > 2) return null;
  // An embedded IPv4 address may only end the whole address.
  const parse = (part: string, last: boolean): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (const [i, p] of pieces.entries()) {
      if (last && i === pieces.length - 1 && p.includes(".")) {
        const v4 = ipv4(p);
        if (!v4) return null;
        const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = parse(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? parse(halves[1]!, true) : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : null;
}
