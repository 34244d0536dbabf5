/**
 * GET /api/openapi.json: an OpenAPI 3.1 description of every endpoint. Kept true by
 * test/api/openapi.test.ts, which calls each documented operation and checks the answer's status and
 * content type against this document.
 * @module
 */
import { Hono } from "hono";

const json = (schema: object = { type: "object" }) => ({ "application/json": { schema } });
const error = (description: string) => ({ description, content: json({ $ref: "#/components/schemas/Error" }) });
/** Requests that make the edge verify signatures count against the client's rate limit (src/api/rate-limit.ts). */
const rateLimited = error(
  "too many requests from this client (an IPv4 address or IPv6 /64); see Retry-After. Decided before the body is read",
);
const octets = {
  "application/octet-stream": { schema: { type: "string", contentMediaType: "application/octet-stream" } },
};
/** Bundles and the explorer's assets: gzip'd when the client's Accept-Encoding prefers gzip (src/api/content-encoding.ts). */
const negotiatedEncoding = {
  "Content-Encoding": {
    description:
      "gzip when the request's Accept-Encoding prefers gzip (as C2SP tlog-tiles asks clients to send: gzip, identity); absent otherwise (the bytes as they are)",
    schema: { type: "string", enum: ["gzip"] },
  },
  Vary: { description: "Accept-Encoding", schema: { type: "string", const: "Accept-Encoding" } },
};
const tileParams = [
  {
    name: "N",
    in: "path",
    required: true,
    description: "tile index: 3-digit groups, all but the last prefixed with x (x001/x234/067)",
    schema: { type: "string" },
  },
];
/** A tile or bundle, full or right-edge partial, is proven to the verified checkpoint before it is served. */
const tileErrors = {
  "400": error("malformed tile path"),
  "404": error("not published: no verified checkpoint covers it"),
  "500": error("the stored bytes do not prove to the signed checkpoint (refused, not cached)"),
  "503": error("no checkpoint verifies yet (tiles and bundles are proven to it before they are served)"),
};

export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "edgelog",
    version: "0.1.0",
    description:
      "A Sigstore transparency log on Cloudflare Workers: C2SP tlog-tiles reads, Rekor v2 and Rekor v1 write and read APIs.",
  },
  paths: {
    "/healthz": {
      get: {
        operationId: "health",
        summary:
          "Liveness, and the search index's lag: {status: SERVING, index: {shard, size (published checkpoint), indexed (entries below it are searchable), lag}} (or index.error); measured at most every 5 s per isolate",
        responses: { "200": { description: "serving", content: json() } },
      },
    },
    "/checkpoint": {
      get: {
        operationId: "getCheckpoint",
        summary:
          "The latest signed checkpoint (C2SP tlog-checkpoint, signed note): the log's signature first, then any witness cosignatures (C2SP tlog-cosignature)",
        responses: {
          "200": {
            description: "checkpoint",
            content: { "text/plain; charset=utf-8": { schema: { type: "string" } } },
          },
          "404": error("no checkpoint yet"),
        },
      },
    },
    "/tile/{L}/{N}": {
      get: {
        operationId: "getTile",
        summary: "A hash tile (C2SP tlog-tiles); partial tiles end in .p/<W>",
        parameters: [
          { name: "L", in: "path", required: true, schema: { type: "integer", minimum: 0, maximum: 63 } },
          ...tileParams,
        ],
        responses: {
          "200": { description: "tile", content: octets },
          ...tileErrors,
        },
      },
    },
    "/tile/entries/{N}": {
      get: {
        operationId: "getEntryBundle",
        summary: "An entry bundle (C2SP tlog-tiles): entries as uint16 length + bytes",
        parameters: tileParams,
        responses: {
          "200": { description: "bundle", headers: negotiatedEncoding, content: octets },
          ...tileErrors,
        },
      },
    },
    "/proof/{entry}": {
      get: {
        operationId: "getTlogProof",
        summary:
          "An offline proof (C2SP tlog-proof@v1, a .tlog-proof file) that the entry is in the log: the entry in the extra line, its index, the inclusion proof and the latest checkpoint with every cosignature it has. Under /<shard>/ for each shard; verify with `edgelog verify-proof`",
        parameters: [
          {
            name: "entry",
            in: "path",
            required: true,
            description: "the entry's index in the shard (decimal), leaf hash (64 hex) or Rekor v1 UUID (80 hex)",
            schema: { type: "string" },
          },
        ],
        responses: {
          "200": {
            description: "tlog-proof (Content-Disposition: attachment; cached like the checkpoint)",
            content: { "text/plain; charset=utf-8": { schema: { type: "string" } } },
          },
          "400": error("not an index, leaf hash or UUID"),
          "404": error("no such entry"),
          "503": error("no readable checkpoint yet"),
        },
      },
    },
    "/mirror": {
      get: {
        operationId: "listMirroredLogs",
        summary:
          "The logs this deployment mirrors (C2SP tlog-mirror; MIRRORED_LOGS): {logs: [{origin, originHash, prefix, upstream, logKey}]}",
        responses: { "200": { description: "mirrored logs", content: json() } },
      },
    },
    "/mirror/{originHash}/checkpoint": {
      get: {
        operationId: "getMirrorCheckpoint",
        summary:
          "A mirrored log's mirror checkpoint: the log's signed note with every signature it came with, then the mirror's cosignature (C2SP tlog-cosignature, MIRROR_SIGNING_KEY). originHash = hex SHA-256 of the log's origin",
        parameters: [
          { name: "originHash", in: "path", required: true, schema: { type: "string", pattern: "^[0-9a-f]{64}$" } },
        ],
        responses: {
          "200": {
            description: "checkpoint",
            content: { "text/plain; charset=utf-8": { schema: { type: "string" } } },
          },
          "404": error("not a mirrored log, or nothing mirrored yet"),
        },
      },
    },
    "/mirror/{originHash}/tile/{path}": {
      get: {
        operationId: "getMirrorTile",
        summary:
          "A mirrored log's tile or entry bundle (C2SP tlog-tiles paths: tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>]), verified against the log's signed root before it was stored",
        parameters: [
          { name: "originHash", in: "path", required: true, schema: { type: "string", pattern: "^[0-9a-f]{64}$" } },
          { name: "path", in: "path", required: true, schema: { type: "string" } },
        ],
        responses: {
          "200": { description: "tile or bundle", content: octets },
          "400": error("malformed tile path"),
          "404": error("not a mirrored log, or not mirrored"),
        },
      },
    },
    "/api/v2/checkpoint": {
      get: {
        operationId: "getCheckpointV2",
        summary:
          "The same as /checkpoint (same bytes, same headers), where rekor-tiles serves it and Rekor v2 monitors read it",
        responses: {
          "200": {
            description: "checkpoint",
            content: { "text/plain; charset=utf-8": { schema: { type: "string" } } },
          },
          "404": error("no checkpoint yet"),
        },
      },
    },
    "/api/v2/tile/{L}/{N}": {
      get: {
        operationId: "getTileV2",
        summary: "The same as /tile/{L}/{N}, at rekor-tiles' path",
        parameters: [
          { name: "L", in: "path", required: true, schema: { type: "integer", minimum: 0, maximum: 63 } },
          ...tileParams,
        ],
        responses: {
          "200": { description: "tile", content: octets },
          ...tileErrors,
        },
      },
    },
    "/api/v2/tile/entries/{N}": {
      get: {
        operationId: "getEntryBundleV2",
        summary: "The same as /tile/entries/{N}, at rekor-tiles' path",
        parameters: tileParams,
        responses: {
          "200": { description: "bundle", headers: negotiatedEncoding, content: octets },
          ...tileErrors,
        },
      },
    },
    "/api/v2/log/entries": {
      post: {
        operationId: "createEntryV2",
        summary: "Rekor v2 CreateEntry (hashedRekordRequestV002; dsseRequestV002 as rekor-tiles accepted before v2.3)",
        requestBody: { required: true, content: json({ $ref: "#/components/schemas/CreateEntryRequest" }) },
        responses: {
          "201": {
            description: "TransparencyLogEntry (protojson)",
            content: json({ $ref: "#/components/schemas/TransparencyLogEntry" }),
          },
          "400": error("invalid request"),
          "409": {
            description:
              "duplicate (also of an entry whose certificate has expired since); header x-log-index holds the existing index, and details[0] the logged entry as a google.protobuf.Any " +
              "(@type type.googleapis.com/dev.sigstore.rekor.v1.TransparencyLogEntry) with an inclusion proof against the current checkpoint (details is empty if it could not be read)",
            content: json({ $ref: "#/components/schemas/GrpcStatus" }),
          },
          "413": error("body too large"),
          "415": error("not JSON"),
          "429": rateLimited,
          "503": error(
            "overloaded, unavailable, or (with a witness quorum) integrated but awaiting witness cosignatures; see Retry-After",
          ),
        },
      },
    },
    "/api/v2/log/entries/{index}/witnessed": {
      get: {
        operationId: "getWitnessedCheckpoint",
        summary:
          'Time from witnesses: the earliest cosigned checkpoint that covers the entry, its verified cosignature times (earliest first) and an inclusion proof of the entry to it; the entry was logged no later than the earliest time (README "Time from witnesses")',
        parameters: [
          {
            name: "index",
            in: "path",
            required: true,
            description: "the entry's index in the shard (decimal)",
            schema: { type: "string" },
          },
        ],
        responses: {
          "200": {
            description: "the cosigned checkpoint, verified with the log's key and the configured witnesses' keys",
            content: json({ $ref: "#/components/schemas/WitnessedCheckpoint" }),
          },
          "400": error("not a log index"),
          "404": error("no cosigned checkpoint covers the entry yet"),
          "503": error("the stored cosigned checkpoint does not verify, or no readable checkpoint; see Retry-After"),
        },
      },
    },
    "/api/v1/log/entries": {
      post: {
        operationId: "createLogEntry",
        summary:
          "Rekor v1 create entry (hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2, rekord 0.0.1 with pgp/minisign/x509/ssh signatures over inline data)",
        requestBody: { required: true, content: json({ $ref: "#/components/schemas/ProposedEntry" }) },
        responses: {
          "201": {
            description: "LogEntry map keyed by entry UUID; ETag and Location headers",
            content: json({ $ref: "#/components/schemas/LogEntry" }),
          },
          "400": error(
            "invalid entry, a refused key (e.g. PGP DSA/ElGamal, RSA outside 2048-4096 bits), or more signature verification than one request may do (24 units, 4 MiB of signed messages; docs/SECURITY.md)",
          ),
          "409": {
            description:
              "duplicate (also of an entry whose certificate has expired since); Location header holds the existing entry, `entry` the LogEntry map as a read returns it (absent if it could not be read)",
            content: json({ $ref: "#/components/schemas/Conflict" }),
          },
          "413": error("body too large, or rekord spec.data.content over REKORD_MAX_DATA_BYTES"),
          "429": rateLimited,
          "503": error(
            "overloaded, unavailable, or (with a witness quorum) integrated but awaiting witness cosignatures; see Retry-After",
          ),
        },
      },
      get: {
        operationId: "getLogEntryByIndex",
        summary: "Rekor v1 entry by log index",
        parameters: [{ name: "logIndex", in: "query", required: true, schema: { type: "integer", minimum: 0 } }],
        responses: {
          "200": { description: "LogEntry", content: json({ $ref: "#/components/schemas/LogEntry" }) },
          "400": error("bad index"),
          "404": error("no such entry"),
        },
      },
    },
    "/api/v1/log/entries/{entryUUID}": {
      get: {
        operationId: "getLogEntryByUUID",
        summary: "Rekor v1 entry by UUID (64 hex leaf hash or 80 hex tree ID + leaf hash)",
        parameters: [
          {
            name: "entryUUID",
            in: "path",
            required: true,
            schema: { type: "string", pattern: "^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$" },
          },
        ],
        responses: {
          "200": { description: "LogEntry", content: json({ $ref: "#/components/schemas/LogEntry" }) },
          "400": error("malformed UUID"),
          "404": error("not found"),
        },
      },
    },
    "/api/v1/log/entries/retrieve": {
      post: {
        operationId: "searchLogQuery",
        summary:
          "Rekor v1 bulk retrieve by UUIDs, indexes or proposed entries (at most 10 of each); a proposed entry is found even if its certificate has expired since; the proposed entries' signature verifications share one request's budget",
        requestBody: { required: true, content: json() },
        responses: {
          "200": {
            description: "array of LogEntry maps",
            content: json({ type: "array", items: { $ref: "#/components/schemas/LogEntry" } }),
          },
          "400": error(
            "bad query, an invalid proposed entry, or proposed entries needing more signature verification than one request may do",
          ),
          "422": error("too many items"),
        },
      },
    },
    "/api/v2/search": {
      get: {
        operationId: "search",
        summary:
          "Verifiable search across every shard: exactly one of digest, email, subject, issuer, repository, key; each hit is a TransparencyLogEntry with an inclusion proof against its shard's current signed checkpoint",
        parameters: [
          {
            name: "digest",
            in: "query",
            description:
              "artifact/payload digest: sha256:<hex>, sha384:<hex>, sha512:<hex> (bare hex: algorithm by length)",
            schema: { type: "string" },
          },
          {
            name: "email",
            in: "query",
            description: "certificate SAN email (case-insensitive)",
            schema: { type: "string" },
          },
          {
            name: "subject",
            in: "query",
            description: "certificate SAN URI or email, exactly",
            schema: { type: "string" },
          },
          { name: "issuer", in: "query", description: "Fulcio OIDC issuer URL, exactly", schema: { type: "string" } },
          {
            name: "repository",
            in: "query",
            description: "Fulcio source repository URI, exactly",
            schema: { type: "string" },
          },
          {
            name: "key",
            in: "query",
            description:
              "key:sha256:<hex of SHA-256(DER SPKI)> (or bare 64 hex), key:pgp:<fingerprint>, key:minisign:<key id>, key:ssh:SHA256:<b64>",
            schema: { type: "string" },
          },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 20, default: 20 } },
          { name: "cursor", in: "query", description: "nextCursor of the previous page", schema: { type: "string" } },
          {
            name: "complete",
            in: "query",
            description:
              "true: answer from the addressed shard's verifiable index, with `completeness` (the signed map checkpoint for log size N, the proof of the key's value or absence, the chunks of its list covering the page with their proofs) so a client can check that no entry with the key below N was left out (README \"Search you can prove complete\")",
            schema: { type: "string", enum: ["true"] },
          },
        ],
        responses: {
          "200": {
            description:
              "hits in (shard, logIndex) order, and nextCursor when there are more; with complete=true also shard and completeness",
            content: json({ $ref: "#/components/schemas/SearchAnswer" }),
          },
          "400": error("missing, several or malformed selectors, bad limit, cursor or complete"),
          "503": error("complete=true: the index has not signed a map checkpoint yet, or is unavailable"),
        },
      },
    },
    "/admin/reindex": {
      post: {
        operationId: "reindex",
        summary:
          "Operators (Authorization: Bearer <ADMIN_TOKEN>; 404 when no ADMIN_TOKEN is set): rebuild the shard's search index for entries [from, from + count) (count ≤ 1024) from the log's bundles; answers {shard, size, from, next, indexed}; repeat from next until size (edgelog reindex)",
        requestBody: { required: true, content: json() },
        responses: {
          "200": { description: "reindexed", content: json() },
          "400": error("bad from or count"),
          "401": error("missing or wrong bearer token"),
          "404": error("admin routes are off (no ADMIN_TOKEN)"),
          "413": error("body too large"),
          "415": error("not JSON"),
        },
      },
    },
    "/index/checkpoint": {
      get: {
        operationId: "getIndexCheckpoint",
        summary:
          "The latest signed map checkpoint of the verifiable index: a signed note by the log's key, origin <log origin>/index, log size N, map root, log-root line",
        responses: {
          "200": {
            description: "map checkpoint",
            content: { "text/plain; charset=utf-8": { schema: { type: "string" } } },
          },
          "404": error("no map checkpoint yet"),
        },
      },
    },
    "/index/tile/{stratum}/{root}": {
      get: {
        operationId: "getIndexMapTile",
        summary:
          "A write-once tile of the verifiable index's map (8 levels of the sparse tree below a node at depth 8·stratum), named by that node's hash (hex); immutable",
        responses: {
          "200": {
            description: "map tile",
            content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
          },
          "404": error("no such tile"),
        },
      },
    },
    "/index/value/{keyPath}/{object}": {
      get: {
        operationId: "getIndexValueObject",
        summary:
          "A write-once object of one key's list in the verifiable index (keyPath = hex SHA-256 of the key): chunk/<i>[.p/<n>] (log indices, uint64 BE) or tile/<level>/<t>[.p/<w>] (value-tree hashes); immutable",
        responses: {
          "200": {
            description: "value chunk or value tile",
            content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
          },
          "404": error("no such object"),
        },
      },
    },
    "/api/v2/index/status": {
      get: {
        operationId: "getIndexStatus",
        summary: "How far the verifiable index lags the log: indexedSize, logSize, lag (entries), updatedAt, error",
        responses: { "200": { description: "indexer status", content: json() } },
      },
    },
    "/api/v1/index/retrieve": {
      post: {
        operationId: "searchIndex",
        summary:
          "Rekor v1 index search: entry UUIDs by hash, email and/or publicKey (format x509, pgp, minisign or ssh), combined by operator and|or, across every shard",
        requestBody: { required: true, content: json({ $ref: "#/components/schemas/SearchIndex" }) },
        responses: {
          "200": {
            description: "array of 80-hex entry UUIDs",
            content: json({ type: "array", items: { type: "string" } }),
          },
          "400": error("malformed query"),
          "413": error("body too large"),
          "415": error("not JSON"),
          "429": rateLimited,
        },
      },
    },
    "/api/v1/log": {
      get: {
        operationId: "getLogInfo",
        summary: "Rekor v1 log info",
        responses: { "200": { description: "LogInfo", content: json() } },
      },
    },
    "/api/v1/log/publicKey": {
      get: {
        operationId: "getPublicKey",
        summary: "The Rekor v1 log key (ECDSA P-256, PEM): verifies SETs and v1 checkpoints",
        responses: {
          "200": { description: "PEM", content: { "application/x-pem-file": { schema: { type: "string" } } } },
        },
      },
    },
    "/api/v1/log/proof": {
      get: {
        operationId: "getLogProof",
        summary:
          "Rekor v1 consistency proof between two tree sizes, computed once and kept at the edge; with treeID the answer is Cache-Control immutable (the URL names the tree), without it no-cache (it names whichever shard is current)",
        parameters: [
          { name: "firstSize", in: "query", schema: { type: "integer", minimum: 1, default: 1 } },
          { name: "lastSize", in: "query", required: true, schema: { type: "integer", minimum: 1 } },
          { name: "treeID", in: "query", schema: { type: "string", pattern: "^[0-9]{1,19}$" } },
        ],
        responses: {
          "200": { description: "ConsistencyProof", content: json() },
          "400": error("sizes out of range"),
          "404": error("no shard has this tree ID"),
        },
      },
    },
    "/api/v1/trust/trusted_root.json": {
      get: {
        operationId: "getTrustedRoot",
        summary:
          "Sigstore TrustedRoot (mediaType application/vnd.dev.sigstore.trustedroot+json;version=0.1) listing every shard's checkpoint key (Rekor v2) and v1 key; under /<shard>/ that shard's alone",
        responses: { "200": { description: "TrustedRoot (protojson)", content: json() } },
      },
    },
    "/api/v1/trust/signing_config.json": {
      get: {
        operationId: "getSigningConfig",
        summary:
          "Sigstore SigningConfig v0.2 (mediaType application/vnd.dev.sigstore.signingconfig.v0.2+json) whose rekorTlogUrls are the shard taking writes, Rekor v2 and v1",
        responses: { "200": { description: "SigningConfig (protojson)", content: json() } },
      },
    },
    "/": {
      get: {
        operationId: "getExplorer",
        summary:
          "The web explorer: search, entries verified in the browser (checkpoint signature, inclusion proof from tiles), a live view of the log; also at /<shard>/",
        responses: {
          "200": { description: "HTML page", content: { "text/html; charset=utf-8": { schema: { type: "string" } } } },
        },
      },
    },
    "/explorer/app.js": {
      get: {
        operationId: "getExplorerScript",
        summary: "The explorer's script (bundled from explorer/ and src/tlog); immutable per ?v= version",
        responses: {
          "200": {
            description: "JavaScript module",
            headers: negotiatedEncoding,
            content: { "text/javascript; charset=utf-8": { schema: { type: "string" } } },
          },
        },
      },
    },
    "/explorer/app.css": {
      get: {
        operationId: "getExplorerStyles",
        summary: "The explorer's stylesheet; immutable per ?v= version",
        responses: {
          "200": {
            description: "CSS",
            headers: negotiatedEncoding,
            content: { "text/css; charset=utf-8": { schema: { type: "string" } } },
          },
        },
      },
    },
    "/api/openapi.json": {
      get: {
        operationId: "getOpenApi",
        summary: "This document",
        responses: { "200": { description: "OpenAPI 3.1", content: json() } },
      },
    },
  },
  components: {
    schemas: {
      WitnessedCheckpoint: {
        type: "object",
        required: [
          "logIndex",
          "leafHash",
          "treeSize",
          "rootHash",
          "inclusionProof",
          "checkpoint",
          "cosignatures",
          "loggedNoLaterThan",
        ],
        properties: {
          logIndex: { type: "integer" },
          leafHash: { type: "string", description: "base64" },
          treeSize: { type: "integer", description: "the cosigned checkpoint's size" },
          rootHash: { type: "string", description: "base64" },
          inclusionProof: { type: "array", items: { type: "string", description: "base64" } },
          checkpoint: { type: "string", description: "the signed note with its cosignatures (C2SP tlog-checkpoint)" },
          cosignatures: {
            type: "array",
            items: {
              type: "object",
              required: ["name", "keyId", "timestamp", "time"],
              properties: {
                name: { type: "string", description: "the witness's key name" },
                keyId: { type: "string", description: "8 hex" },
                timestamp: { type: "integer", description: "Unix seconds" },
                time: { type: "string", format: "date-time" },
              },
            },
          },
          loggedNoLaterThan: { type: "string", format: "date-time", description: "the earliest cosignature time" },
        },
      },
      Error: {
        type: "object",
        required: ["code", "message"],
        properties: { code: { type: "integer" }, message: { type: "string" } },
      },
      GrpcStatus: {
        type: "object",
        description: "grpc-gateway's error body (google.rpc.Status, protojson): gRPC code, message, typed details",
        required: ["code", "message", "details"],
        properties: {
          code: { type: "integer" },
          message: { type: "string" },
          details: {
            type: "array",
            items: { type: "object", required: ["@type"], properties: { "@type": { type: "string" } } },
          },
        },
      },
      Conflict: {
        type: "object",
        required: ["code", "message"],
        properties: {
          code: { type: "integer", const: 409 },
          message: { type: "string" },
          entry: { $ref: "#/components/schemas/LogEntry" },
        },
      },
      CreateEntryRequest: { type: "object", description: "dev.sigstore.rekor.v2.CreateEntryRequest (protojson)" },
      TransparencyLogEntry: { type: "object", description: "dev.sigstore.rekor.v1.TransparencyLogEntry (protojson)" },
      ProposedEntry: {
        type: "object",
        required: ["apiVersion", "kind", "spec"],
        properties: {
          apiVersion: { type: "string" },
          kind: { type: "string", enum: ["hashedrekord", "dsse", "intoto", "rekord"] },
          spec: {
            type: "object",
            description:
              "The kind's spec, as Rekor v1 defines it. rekord 0.0.1: {data: {content: base64 (at most REKORD_MAX_DATA_BYTES decoded), hash?: {algorithm: sha256, value: lowercase hex}}, " +
              "signature: {format: pgp|minisign|x509|ssh, content: base64, publicKey: {content: base64}}}; the log keeps the data's SHA-256, never the data.",
          },
        },
      },
      SearchAnswer: {
        type: "object",
        required: ["hits"],
        properties: {
          hits: {
            type: "array",
            items: {
              type: "object",
              required: ["shard", "entry"],
              properties: { shard: { type: "string" }, entry: { $ref: "#/components/schemas/TransparencyLogEntry" } },
            },
          },
          nextCursor: { type: "string" },
        },
      },
      SearchIndex: {
        type: "object",
        properties: {
          hash: { type: "string", description: "sha256:<hex> (also sha384/sha512; bare hex by length)" },
          email: { type: "string" },
          publicKey: {
            type: "object",
            properties: {
              format: { type: "string", enum: ["x509", "pgp", "minisign", "ssh", "tuf"] },
              content: {
                type: "string",
                description:
                  "base64 of the key: x509 a PEM or DER public key or certificate, pgp an armored or binary key, minisign the .pub file, ssh the public key line (tuf is refused)",
              },
            },
          },
          operator: { type: "string", enum: ["and", "or"], default: "or" },
        },
      },
      LogEntry: {
        type: "object",
        description: "a one-key map: entry UUID → {body, integratedTime, logID, logIndex, verification}",
      },
    },
  },
} as const;

/** Mounted at /api. */
export const openapi = new Hono<{ Bindings: Env }>();
openapi.get("/openapi.json", (c) => c.json(OPENAPI));
