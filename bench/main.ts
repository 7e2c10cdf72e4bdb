/**
 * `deno task bench`: runs every benchmark module in bench/ (or those named on the command
 * line, e.g. `deno task bench similarity`), each printing its own table.
 * Each module default-exports `async function run(): Promise<void>`.
 */
const dir = new URL("./", import.meta.url);
const wanted = new Set(Deno.args);
const modules = [...Deno.readDirSync(dir)]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".ts") && n !== "main.ts" && !n.startsWith("_"))
  .filter((n) => wanted.size === 0 || wanted.has(n.replace(/\.ts$/, "")))
  .sort();

console.log(
  `# ligero bench — ${
    new Date().toISOString()
  } — ${Deno.build.target}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}\n`,
);
for (const name of modules) {
  const { default: run } = await import(new URL(name, dir).href);
  console.log(`## ${name.replace(/\.ts$/, "")}\n`);
  await run();
  console.log();
}
