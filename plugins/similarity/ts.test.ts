import { runConformance } from "./conformance.ts";
import { TsSimilarity } from "./ts.ts";

runConformance("ts", () => new TsSimilarity());
