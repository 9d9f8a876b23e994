// Errors are values with codes (STYLE.md): services throw these, and one
// handler (worker/app.ts) turns them into API.md's envelope.
import type { ApiErrorBody } from "./contract/schemas";

export type ErrorCode =
  | "invalid_input"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "slot_taken"
  | "already_scheduled"
  | "wrong_state"
  | "horizon_full"
  | "account_in_use"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unprocessable"
  | "rate_limited"
  | "quota_exceeded"
  | "signup_disabled"
  | "internal";

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500,
    readonly code: ErrorCode | (string & {}),
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const invalid = (message: string, details?: unknown) => new ApiError(400, "invalid_input", message, details);
export const unauthenticated = (message = "Sign in to continue.") => new ApiError(401, "unauthenticated", message);
export const forbidden = (message = "Your role does not allow this.") => new ApiError(403, "forbidden", message);
/** 404 for absent *and* for other workspaces' ids: existence is never revealed. */
export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found.`);
export const conflict = (code: ErrorCode, message: string, details?: unknown) => new ApiError(409, code, message, details);
/** A body that is not declared as JSON: browsers send text/plain and form bodies cross-site without a preflight. */
export const unsupportedMediaType = () =>
  new ApiError(415, "unsupported_media_type", "Send the request body as JSON, with the header Content-Type: application/json.");
export const unprocessable = (message: string, details?: unknown) => new ApiError(422, "unprocessable", message, details);

/** API.md's envelope, as the contract defines it (contract/schemas.ts). */
export type ErrorBody = ApiErrorBody;

export function errorBody(err: ApiError): ErrorBody {
  return { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
}

/**
 * Whether a database error is a UNIQUE constraint failure. drizzle wraps D1's
 * error in its own ("Failed query: …", the driver's error as `cause`), so the
 * words are looked for along the whole cause chain, not only in the message.
 */
export function isUniqueViolation(err: unknown): boolean {
  for (let e = err, depth = 0; e != null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (/UNIQUE constraint failed/.test(e instanceof Error ? e.message : String(e))) return true;
  }
  return false;
}
