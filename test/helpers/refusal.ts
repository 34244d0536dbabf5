import { SignatureError } from "../../src/pki/errors.ts";

/** The SignatureError `fn` throws (to assert on its message); anything else fails the test. */
export function refusal(fn: () => unknown): SignatureError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SignatureError) return e;
    throw e;
  }
  throw new Error("expected a SignatureError");
}
