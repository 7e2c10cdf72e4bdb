/**
 * The transformers.js twin through the conformance suite. It needs the ONNX export
 * (`python3 scripts/export_onnx.py`); without it these tests are reported as ignored.
 */
import { loadConfig } from "../../config/load.ts";
import { fetchModel } from "../../scripts/fetch-model.ts";
import { embeddingConformance, fixture } from "./conformance.ts";
import { TransformersEmbeddings } from "./transformers.ts";

const modelDir = await fetchModel(loadConfig());
const exported = await Deno.stat(`${modelDir}/onnx/model_quantized.onnx`).then(
  () => true,
  () => false,
);
const open = (q8: boolean) => () =>
  TransformersEmbeddings.open({ modelDir, modelId: fixture.model, q8, threads: 0 });

// offsets are recovered by searching tokens in the text: exact except around [UNK]
embeddingConformance("transformers fp32", open(false), {
  minCosine: 0.9999,
  exactOffsets: false,
  ignore: !exported,
});
// onnxruntime's dynamic quantization takes one activation scale per tensor, over the whole
// padded batch: far less exact, and a text's vector depends on its batch mates
embeddingConformance("transformers q8", open(true), {
  minCosine: 0.85,
  batchCosine: 0.9,
  exactOffsets: false,
  ignore: !exported,
});
