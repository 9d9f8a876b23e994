// Validation at the edge: every body, query and param goes through zod, and
// failures become 400s in API.md's shape, never a 500.
import type { Context } from "hono";
import type { z } from "zod";
import { invalid, unsupportedMediaType } from "../errors";

function issues(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code }));
}

function describe(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return "Invalid input.";
  const where = first.path.length ? `${first.path.join(".")}: ` : "";
  return `${where}${first.message}`;
}

/** zod's defaults say "received undefined" for a missing field and "received NaN" for `?limit=ten`; people need plainer words. */
const peopleErrors: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== "invalid_type") return undefined;
  if (issue.input === undefined) return "This field is required.";
  if (typeof issue.input === "number" && Number.isNaN(issue.input)) return "Expected a number.";
  return undefined;
};

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { error: peopleErrors });
  if (!result.success) throw invalid(describe(result.error), issues(result.error));
  return result.data;
}

/** `application/json`, with or without parameters (`; charset=utf-8`). */
const JSON_TYPE = /^application\/json\s*(?:;|$)/i;

/**
 * The body as the schema's type. A body must be declared JSON (415 otherwise):
 * an HTML form or a `text/plain` fetch from another site carries no such header
 * and is never taken for JSON. An empty body needs no header (`curl -X POST`).
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== "") {
    if (!JSON_TYPE.test(c.req.header("content-type") ?? "")) throw unsupportedMediaType();
    try {
      value = JSON.parse(text);
    } catch {
      throw invalid("The request body is not valid JSON.");
    }
  }
  return parseWith(schema, value);
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return parseWith(schema, c.req.query());
}
