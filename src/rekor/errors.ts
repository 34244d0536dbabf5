/**
 * A submission that cannot be logged as sent: malformed, unverifiable, or not allowed.
 * The edge answers 400 with the message, which names the field at fault.
 * @module
 */
export class RequestError extends Error {
  override name = "RequestError";
}
