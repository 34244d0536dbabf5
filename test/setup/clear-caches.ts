// The isolate's read caches assume storage only grows; test isolation rolls storage back between tests,
// so each test starts with none (src/lru-cache.ts).
import { beforeEach } from "vitest";
import { clearCaches } from "../../src/lru-cache.ts";

beforeEach(() => clearCaches());
