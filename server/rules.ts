/**
 * Validation building blocks shared by the config and the routes, on valibot: its schemas are
 * plain objects, where zod's config and route schemas alone held ~4 MiB of V8 heap and ~10 MiB
 * of RSS at idle (docs/memory.md).
 */
import * as v from "valibot";
import { ApiError } from "./errors.ts";

/** An integer in [min, max]. */
export const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

/** A number in [min, max]. */
export const num = (min: number, max: number) =>
  v.pipe(v.number(), v.minValue(min), v.maxValue(max));

/** An integer from a query string ("20") or JSON, in [min, max]. */
export const queryInt = (min: number, max: number) =>
  v.pipe(v.union([v.string(), v.number()]), v.transform(Number), int(min, max));

/** A string, trimmed, whose length is in [min, max]. */
export const trimmed = (min: number, max: number) =>
  v.pipe(v.string(), v.trim(), v.minLength(min), v.maxLength(max));

/** A string whose length is in [min, max]. */
export const str = (min: number, max: number) =>
  v.pipe(v.string(), v.minLength(min), v.maxLength(max));

/** A list of ids to restrict a request to (documents). */
export const idList = v.pipe(v.array(str(1, 100)), v.minLength(1), v.maxLength(1000));

/** `?limit=&offset=` of a listing. */
export const paging = v.object({
  limit: v.optional(queryInt(1, 200), 50),
  offset: v.optional(queryInt(0, 1_000_000_000), 0),
});

/** Where an issue is, as dotted keys ("memory.shedAt"), or "" at the top. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  return issue.path?.map((item) => String(item.key)).join(".") ?? "";
}

/** `value` as `schema` has it, or a 400 invalid_request naming the first problem. */
export function validate<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  what = "body",
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  throw new ApiError(400, "invalid_request", `${issuePath(issue) || what}: ${issue.message}`);
}
