/**
 * schemathesis fuzzes every operation of /openapi.json for a bounded time (default 60 s,
 * LIGERO_FUZZ_SECONDS): no 5xx, every status documented, every response matching its
 * schema. Needs `pip install schemathesis` (SCHEMATHESIS names the binary); without it the
 * test is ignored, saying so.
 */
import assert from "node:assert/strict";
import { startServer } from "../support/server.ts";

const BIN = Deno.env.get("SCHEMATHESIS") ?? "schemathesis";
const SECONDS = Deno.env.get("LIGERO_FUZZ_SECONDS") ?? "60";
const ADMIN = "fuzz-admin-key-0123456789abcdef";

async function installed(): Promise<boolean> {
  try {
    const out = await new Deno.Command(BIN, { args: ["--version"], stdout: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

const present = await installed();
if (!present) console.warn(`fuzz_openapi: ${BIN} not found (pip install schemathesis); ignored`);

Deno.test({
  name: `schemathesis for ${SECONDS} s: no 5xx, statuses and bodies match the OpenAPI document`,
  ignore: !present,
  fn: async () => {
    const server = await startServer({
      env: { LIGERO_ADMIN_KEY: ADMIN, LIGERO_MEMORY__CEILING: "1GiB" },
    });
    try {
      const out = await new Deno.Command(BIN, {
        args: [
          "run",
          `${server.url}/openapi.json`,
          "--max-time",
          SECONDS,
          // one worker: hypothesis describes strategies by reading lambda sources, which
          // crashed once inside schemathesis with two worker threads (not a server error)
          "--workers",
          "1",
          "--checks",
          "not_a_server_error,status_code_conformance,content_type_conformance," +
          "response_schema_conformance",
          "--suppress-health-check",
          "all",
          "--header",
          `Authorization: Bearer ${ADMIN}`,
          "--seed",
          "1",
        ],
        cwd: await Deno.makeTempDir({ prefix: "ligero-fuzz-" }),
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      const summary = text.slice(text.lastIndexOf("SUMMARY"));
      console.log(
        summary.split("\n").filter((l) => /generated|failures|passed/.test(l)).join("\n"),
      );
      assert.ok(out.success, text.slice(-6000));
      assert.equal((await fetch(`${server.url}/health`)).status, 200);
    } finally {
      await server.stop();
    }
  },
});
