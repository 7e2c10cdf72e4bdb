/**
 * LLM streaming overhead: one answer of 20k chunks from the fake OpenAI server (its own
 * process), read by our OpenAI-wire provider, by the official `openai` client (what users
 * would pick instead), and by the offline provider producing 20k words. Each reader runs in
 * its own process, so peak RSS is the reader's alone; "baseline" is a process that imports
 * nothing. Upstream LLMs send 50–200 tokens/s, so anything here in microseconds is noise.
 */
import { median, mib, procMemory } from "./support/proc.ts";

const SELF = new URL(import.meta.url).pathname;
const TOKENS = Number(Deno.env.get("LLM_BENCH_TOKENS") ?? 20_000);
const RUNS = 5;
const READERS = ["baseline", "ligero openai-wire", "openai npm client", "ligero offline"];

export default async function run(): Promise<void> {
  const fake = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SELF, "fake"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = fake.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const port = Number((await reader.read()).value?.trim());
  try {
    console.log(`| reader | workload | ms (median of ${RUNS}) | µs/chunk | peak RSS MiB |`);
    console.log("| --- | --- | --- | --- | --- |");
    for (const name of READERS) {
      const results = [];
      for (let i = 0; i < RUNS; i++) results.push(await measure(name, port));
      const ms = median(results.map((r) => r.ms));
      const peak = median(results.map((r) => r.peak));
      const chunks = results[0].chunks;
      const perChunk = chunks && !WORKLOAD[name] ? ((ms * 1000) / chunks).toFixed(1) : "";
      const cells = name === "baseline"
        ? ["Deno, no imports", "", ""]
        : [WORKLOAD[name] ?? `${chunks} streamed chunks`, ms.toFixed(0), perChunk];
      console.log(`| ${name} | ${cells.join(" | ")} | ${mib(peak)} |`);
    }
  } finally {
    reader.cancel();
    fake.kill();
    await fake.status;
  }
}

const WORKLOAD: Record<string, string> = {
  "ligero offline": `answer from ${TOKENS / 10} sentences of sources`,
};

async function measure(
  name: string,
  port: number,
): Promise<{ ms: number; peak: number; chunks: number }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SELF, "read", name, String(port)],
    stdout: "piped",
  }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

async function serveFake(): Promise<void> {
  const { startOpenAiFake } = await import("../tests/fakes/openai_fake.ts");
  const fake = startOpenAiFake();
  const tokens = Array.from({ length: TOKENS }, (_, i) => ` w${i}`);
  fake.script(...Array.from({ length: 100 }, () => ({ tokens })));
  console.log(new URL(fake.origin).port);
}

async function read(name: string, port: number): Promise<void> {
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  const messages = [{ role: "user" as const, content: "Hi" }];
  const start = performance.now();
  let chunks = 0;
  if (name === "ligero openai-wire") {
    const { openAiProvider } = await import("../plugins/llm/openai.ts");
    const provider = openAiProvider({
      baseUrl,
      model: "m",
      timeouts: { connectMs: 10_000, idleMs: 10_000, totalMs: 120_000 },
      maxRetries: 0,
      temperature: 0,
      maxTokens: TOKENS,
      promptTokens: 1000,
    });
    for await (const e of provider.stream({ messages })) if (e.type === "token") chunks++;
  } else if (name === "openai npm client") {
    const { default: OpenAI } = await import("openai");
    const client = new OpenAI({ apiKey: "x", baseURL: baseUrl, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: "m", messages, stream: true });
    for await (const c of stream) if (c.choices[0]?.delta?.content) chunks++;
  } else if (name === "ligero offline") {
    const { OfflineProvider } = await import("../plugins/llm/offline.ts");
    const text = Array.from(
      { length: TOKENS / 10 },
      (_, i) => `Palabra ${i} uno dos tres cuatro cinco seis siete ocho nueve.`,
    ).join(" ");
    const sources = [{ n: 1, title: "t", page: 1, text }];
    for await (
      const e of new OfflineProvider().stream({ messages, question: "palabra", sources })
    ) {
      if (e.type === "token") chunks++;
    }
  }
  const ms = performance.now() - start;
  console.log(JSON.stringify({ ms, chunks, peak: procMemory(Deno.pid).peak }));
}

if (import.meta.main) {
  if (Deno.args[0] === "fake") await serveFake();
  else if (Deno.args[0] === "read") await read(Deno.args[1], Number(Deno.args[2]));
}
