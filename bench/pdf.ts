/**
 * PDF text extraction over the dev corpus, one process per file as a user would run each
 * tool: ours (the kernel's `pdftext` example binary, one thread and all cores), pdftotext,
 * mutool, unpdf (pdf.js, through `deno task extract --engine unpdf`) and pypdf. Reports per
 * file and total wall time, peak RSS (GNU time's max resident set) and the corpus score
 * (shared/tools/pdfscore.py: median word / bigram F1 against pdftotext; recall of the
 * original for the truncated files). Tools that are not installed are skipped: apt
 * `poppler-utils` `mupdf-tools` `time`, pip `pypdf cryptography`. `PDF_BENCH_TOOLS=a,b`
 * (names as in the table, e.g. `ours,mutool`) runs only the tools whose name starts so.
 */
const ROOT = new URL("../", import.meta.url).pathname;
const SHARED = new URL("../../shared/", import.meta.url).pathname;
const CORPUS = `${SHARED}corpus/pdf/dev/`;
const OURS = `${ROOT}kernels/target/release/examples/pdftext`;
const TIMEOUT_S = 120;

interface Tool {
  name: string;
  /** The command writing the text of `pdf` to `out`. */
  argv(pdf: string, out: string): string[];
  env?: Record<string, string>;
}

const PYPDF = "import pypdf,sys\nr=pypdf.PdfReader(sys.argv[1])\n" +
  "open(sys.argv[2],'w').write(''.join((p.extract_text() or '')+'\\f' for p in r.pages))";

const TOOLS: Tool[] = [
  { name: "ours, 1 thread", argv: (p, o) => [OURS, p, o], env: { RAYON_NUM_THREADS: "1" } },
  { name: "ours, all cores", argv: (p, o) => [OURS, p, o] },
  { name: "pdftotext", argv: (p, o) => ["pdftotext", "-enc", "UTF-8", p, o] },
  { name: "mutool", argv: (p, o) => ["mutool", "draw", "-q", "-F", "txt", "-o", o, p] },
  {
    name: "unpdf",
    argv: (p, o) => [
      "sh",
      "-c",
      `"${Deno.execPath()}" run -A "${ROOT}scripts/extract.ts" --engine unpdf "$1" > "$2"`,
      "sh",
      p,
      o,
    ],
  },
  { name: "pypdf", argv: (p, o) => ["python3", "-c", PYPDF, p, o] },
];

interface Run {
  seconds: number;
  /** User + system CPU time: steadier than wall time on a shared machine. */
  cpu: number;
  rssMb: number;
}

async function available(tool: Tool): Promise<boolean> {
  const bin = tool.argv("x", "y")[0];
  if (bin.startsWith("/")) return await Deno.stat(bin).then(() => true, () => false);
  if (tool.name === "pypdf") {
    const r = await new Deno.Command("python3", { args: ["-c", "import pypdf"] }).output()
      .catch(() => null);
    return r?.success ?? false;
  }
  const r = await new Deno.Command("sh", { args: ["-c", `command -v ${bin}`] }).output();
  return r.success;
}

/** Runs one command under GNU time; wall time and peak RSS of the process tree's largest. */
async function measure(tool: Tool, pdf: string, out: string): Promise<Run> {
  const stats = await Deno.makeTempFile();
  const args = [
    "-f",
    "%e %M %U %S",
    "-o",
    stats,
    "timeout",
    String(TIMEOUT_S),
    ...tool.argv(pdf, out),
  ];
  await new Deno.Command("/usr/bin/time", {
    args,
    env: tool.env,
    stdout: "null",
    stderr: "null",
  }).output();
  const [seconds, kb, user, sys] = (await Deno.readTextFile(stats)).trim().split("\n").pop()!
    .split(" ").map(Number);
  await Deno.remove(stats);
  return { seconds, cpu: user + sys, rssMb: kb / 1024 };
}

function score(dir: string): { word: number; bigram: number; truncated: string } {
  const r = new Deno.Command("python3", {
    args: [`${SHARED}tools/pdfscore.py`, dir, "--json"],
  }).outputSync();
  const { files, summary } = JSON.parse(new TextDecoder().decode(r.stdout));
  const truncated = files.filter((f: { kind: string }) => f.kind === "truncated")
    .map((f: { recall_of_original: number }) => f.recall_of_original.toFixed(2)).join(" / ");
  return { word: summary.median_word_f1, bigram: summary.median_bigram_f1, truncated };
}

async function ensureOurs(): Promise<void> {
  const r = await new Deno.Command("cargo", {
    args: ["build", "--release", "--quiet", "-p", "pdf", "--example", "pdftext"],
    cwd: `${ROOT}kernels`,
  }).output();
  if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
}

export default async function run(): Promise<void> {
  await ensureOurs();
  const files = [...Deno.readDirSync(CORPUS)].map((e) => e.name).filter((n) => n.endsWith(".pdf"))
    .sort();
  const only = Deno.env.get("PDF_BENCH_TOOLS")?.split(",");
  const tools: Tool[] = [];
  for (const t of TOOLS.filter((t) => !only || only.some((o) => t.name.startsWith(o)))) {
    if (await available(t)) tools.push(t);
    else console.log(`(skipped ${t.name}: not installed)`);
  }
  const perFile = new Map<string, Run[]>();
  const totals: {
    tool: Tool;
    seconds: number;
    cpu: number;
    peak: number;
    score: ReturnType<typeof score>;
  }[] = [];
  for (const tool of tools) {
    const dir = await Deno.makeTempDir({ prefix: "bench-pdf-" });
    let seconds = 0, cpu = 0, peak = 0;
    for (const name of files) {
      const run = await measure(tool, CORPUS + name, `${dir}/${name.replace(/\.pdf$/, ".txt")}`);
      seconds += run.seconds;
      cpu += run.cpu;
      peak = Math.max(peak, run.rssMb);
      (perFile.get(name) ?? perFile.set(name, []).get(name)!)[totals.length] = run;
    }
    totals.push({ tool, seconds, cpu, peak, score: score(dir) });
    await Deno.remove(dir, { recursive: true });
  }
  console.log(`Dev corpus: ${files.length} files, one process per file.\n`);
  console.log(
    "| extractor | total time | CPU time | largest peak RSS | median word / bigram F1 | " +
      "truncated recall |",
  );
  console.log("|---|---|---|---|---|---|");
  for (const t of totals) {
    console.log(
      `| ${t.tool.name} | ${t.seconds.toFixed(2)} s | ${t.cpu.toFixed(2)} s | ` +
        `${t.peak.toFixed(0)} MB | ` +
        `${t.score.word} / ${t.score.bigram} | ${t.score.truncated} |`,
    );
  }
  console.log(`\nPer file, seconds (peak RSS MB):\n`);
  console.log(`| file | ${tools.map((t) => t.name).join(" | ")} |`);
  console.log(`|---|${tools.map(() => "---").join("|")}|`);
  for (const name of files) {
    const runs = perFile.get(name) ?? [];
    const cells = runs.map((r) => `${r.seconds.toFixed(2)} (${r.rssMb.toFixed(0)})`);
    console.log(`| ${name.replace(/\.pdf$/, "")} | ${cells.join(" | ")} |`);
  }
}
