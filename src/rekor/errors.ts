/**
 * A submission that cannot be logged as sent: malformed, unverifiable, or not allowed.
 * The edge answers 400 with the message, which names the field at fault.
 * @module
 */
export class RequestError extends Error {
  override name = "RequestError";
}

/** A submission over a size limit of the entry type (e.g. rekord's inline data): the edge answers 413. */
export class TooLargeError extends RequestError {
  override name = "TooLargeError";
}
