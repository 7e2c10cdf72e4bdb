/**
 * `POST /v1/embeddings` in the OpenAI wire format, so OpenAI SDKs and LangChain can use the
 * server's encoder: `input` is a string or an array of strings (token-id arrays are
 * refused), `encoding_format` float or base64 (little-endian f32, as OpenAI sends it).
 * Any `model` name is accepted; the response names the model actually used.
 */
import { Hono } from "hono";
import { encodeBase64 } from "hono/utils/encode";
import * as v from "valibot";
import type { AppEnv } from "../server/auth.ts";
import { ApiError } from "../server/errors.ts";
import { int, str } from "../server/rules.ts";
import type { Services } from "../server/runtime.ts";
import { limitBody, readJson } from "../server/validate.ts";

/** OpenAI's own limit on inputs per request. */
const MAX_INPUTS = 2048;

/** OpenAI also takes token-id arrays; this server only encodes text. */
const tokenIds = v.pipe(
  v.array(v.union([v.number(), v.array(v.number())])),
  v.rawTransform(({ addIssue, NEVER }) => {
    addIssue({ message: "token-id input is not supported; send text" });
    return NEVER;
  }),
);

const requestSchema = v.strictObject({
  input: v.union([
    v.string(),
    v.pipe(v.array(v.string()), v.minLength(1), v.maxLength(MAX_INPUTS)),
    tokenIds,
  ]),
  model: v.optional(str(0, 200)),
  encoding_format: v.optional(v.picklist(["float", "base64"]), "float"),
  dimensions: v.optional(int(1)),
  user: v.optional(v.string()),
});

export function embeddingsRoutes({ config, governor, plugins }: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post(
    "/v1/embeddings",
    governor.heavy(),
    limitBody(config.server.jsonBodyLimit),
    async (c) => {
      const body = await readJson(c, requestSchema);
      const kernel = plugins.embeddings;
      if (body.dimensions !== undefined && body.dimensions !== kernel.dims) {
        throw new ApiError(
          400,
          "invalid_request",
          `dimensions: ${kernel.modelId} gives ${kernel.dims} dimensions`,
        );
      }
      const texts = typeof body.input === "string" ? [body.input] : body.input;
      const { vectors, tokens } = await kernel.encode(texts);
      const dims = kernel.dims;
      const data = texts.map((_, index) => {
        const v = vectors.subarray(index * dims, (index + 1) * dims);
        const embedding = body.encoding_format === "base64"
          ? encodeBase64(v.slice().buffer)
          : Array.from(v);
        return { object: "embedding", index, embedding };
      });
      const used = tokens.reduce((sum, n) => sum + n, 0);
      return c.json({
        object: "list",
        data,
        model: kernel.modelId,
        usage: { prompt_tokens: used, total_tokens: used },
      });
    },
  );
  return app;
}
