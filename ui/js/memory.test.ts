import assert from "node:assert/strict";
import { kernelMedians, parseMetrics } from "./memory.js";

const TEXT = `# HELP process_resident_memory_bytes Resident set size of this process.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 123456789
ligero_kernel_call_duration_seconds_bucket{impl="rust(avx512)",kernel="similarity",le="0.001",op="search"} 1
ligero_kernel_call_duration_seconds_bucket{impl="rust(avx512)",kernel="similarity",le="0.005",op="search"} 3
ligero_kernel_call_duration_seconds_bucket{impl="rust(avx512)",kernel="similarity",le="0.01",op="search"} 4
ligero_kernel_call_duration_seconds_bucket{impl="rust(avx512)",kernel="similarity",le="+Inf",op="search"} 4
ligero_kernel_call_duration_seconds_bucket{impl="ts",kernel="pdf",le="0.001",op="open"} 0
ligero_kernel_call_duration_seconds_bucket{impl="ts",kernel="pdf",le="+Inf",op="open"} 2
ligero_kernel_call_duration_seconds_bucket{impl="ts",kernel="idle",le="+Inf",op="none"} 0
ligero_http_requests_total{method="GET",route="/a \\"b\\"",status="200"} 7
`;

Deno.test("memory panel: samples with labels, escaped quotes included", () => {
  const samples = parseMetrics(TEXT);
  assert.equal(samples.find((s) => s.name === "process_resident_memory_bytes")?.value, 123456789);
  const http = samples.find((s) => s.name === "ligero_http_requests_total")!;
  assert.equal(http.value, 7);
  assert.equal(http.labels.status, "200");
});

Deno.test("memory panel: the median is the first bucket holding half the calls", () => {
  const rows = kernelMedians(parseMetrics(TEXT));
  assert.deepEqual(rows, [
    { op: "pdf.open", impl: "ts", calls: 2, p50: Infinity },
    { op: "similarity.search", impl: "rust(avx512)", calls: 4, p50: 0.005 },
  ]);
});
