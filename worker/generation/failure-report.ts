// Internal error text (D1, subrequests, a renderer's stack) is for operators,
// not users (issue 10 item 8): it is logged once, structured, with an id, and
// what users read (outputs' `error`, automation runs' `error`) is a sentence
// carrying that id. Errors we wrote for people (ApiError, WriterError,
// UserFacingError) keep their own words.
import { ApiError } from "../errors";
import { newId } from "../lib/ids";
import { WriterError } from "./llm-client";
import { logError } from "../lib/log";

/** An error whose message was written for the people who will read it. */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserFacingError";
  }
}

export interface FailureReport {
  /** What users see. */
  sentence: string;
  /** The id in the log line with the raw error, or null when the error was already user-facing. */
  errorId: string | null;
}

/**
 * Logs `err` with an id and returns the sentence to store. `what` completes
 * "… failed because of an internal error", e.g. "Generation".
 */
export function reportFailure(err: unknown, what: string, context: Record<string, unknown> = {}): FailureReport {
  if (err instanceof WriterError || err instanceof UserFacingError || (err instanceof ApiError && err.status < 500)) {
    logError(`${what} failed`, { ...context, error: err.message });
    return { sentence: err.message, errorId: null };
  }
  const errorId = newId("err", 8);
  const raw = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  logError(`${what} failed`, { errorId, ...context, error: raw, stack: err instanceof Error ? err.stack : undefined });
  return { sentence: `${what} failed because of an internal error (reference ${errorId}).`, errorId };
}
