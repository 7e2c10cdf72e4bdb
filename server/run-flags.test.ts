import assert from "node:assert/strict";
import { RUN_ENV, RUN_FLAGS } from "./run-flags.ts";

const ROOT = new URL("../", import.meta.url);

/** The flags between `deno run` and `main.ts`, in order (`--cached-only`/`--frozen` aside). */
function flagsOf(args: string[]): string[] {
  const from = args.indexOf("run") + 1, to = args.indexOf("main.ts");
  assert.ok(from > 0 && to > from, `no "deno run ... main.ts" in ${args.join(" ")}`);
  return args.slice(from, to).filter((a) => a !== "--cached-only" && a !== "--frozen");
}

Deno.test("deno.json's start and serve tasks run the server with RUN_FLAGS and RUN_ENV", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  for (const name of ["start", "serve"]) {
    const serve = tasks[name].command.split("&&").pop().trim().split(/\s+/);
    assert.deepEqual(flagsOf(serve), RUN_FLAGS, `task ${name}`);
    const env = serve.slice(0, serve.indexOf("deno"));
    for (const [key, value] of Object.entries(RUN_ENV)) {
      assert.ok(env.includes(`${key}=${value}`), `task ${name} sets ${key}=${value}`);
    }
  }
});

Deno.test("the Dockerfile's CMD runs the server with RUN_FLAGS and RUN_ENV", async () => {
  const dockerfile = await Deno.readTextFile(new URL("Dockerfile", ROOT));
  const cmd = /^CMD (\[[\s\S]*?\])/m.exec(dockerfile)?.[1].replace(/\\\n/g, "");
  assert.ok(cmd, "no CMD in the Dockerfile");
  assert.deepEqual(flagsOf(JSON.parse(cmd)), RUN_FLAGS);
  for (const [key, value] of Object.entries(RUN_ENV)) {
    assert.match(dockerfile, new RegExp(`^(ENV|\\s).*\\b${key}=${value}\\b`, "m"), key);
  }
});
