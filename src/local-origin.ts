/**
 * Is a log's origin (`host[:port][/path]`) on this machine? Only a local log may switch on the
 * test-only raw append, publish http URLs in its trust files, or be refused by `npm run deploy`.
 * Local: `localhost` and its subdomains (RFC 6761 reserves them for loopback) and 127.0.0.0/8.
 * Origins are validated elsewhere (src/log/deployment.ts allows no IPv6 literals in them).
 * @module
 */
export function isLocalOrigin(origin: string): boolean {
  const host = origin
    .split("/")[0]!
    .replace(/:[0-9]*$/, "")
    .toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || /^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/.test(host);
}
