/** Fetching from the log (same origin). Every failure becomes an Error whose message says what was asked. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function failure(path: string, res: Response): Promise<HttpError> {
  let why = res.statusText;
  try {
    const body = (await res.json()) as { message?: unknown };
    if (typeof body.message === "string") why = body.message;
  } catch {
    // not a JSON error body
  }
  return new HttpError(res.status, `GET ${path}: ${res.status} ${why}`);
}

/**
 * The bytes at `path`, or null when the log answers 404. Tiles are immutable and may come from the browser's cache;
 * `fresh` asks the server every time (checkpoints).
 */
export async function getBytes(path: string, fresh = false): Promise<Uint8Array | null> {
  const res = await fetch(path, fresh ? { cache: "no-store" } : {});
  if (res.status === 404) return null;
  if (!res.ok) throw await failure(path, res);
  return new Uint8Array(await res.arrayBuffer());
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: "application/json" } });
  if (!res.ok) throw await failure(path, res);
  return (await res.json()) as T;
}
