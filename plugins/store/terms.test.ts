import assert from "node:assert/strict";
import { bigrams, indexTerms, queryTerms } from "./terms.ts";

Deno.test("index terms: Snowball stems per language, diacritics folded, CJK bigrams", () => {
  assert.equal(indexTerms("Bases de DATOS", "es"), "bas de dat");
  assert.equal(indexTerms("índices", "es"), indexTerms("indice", "es"));
  assert.equal(indexTerms("running databases", "en"), "run databas");
  assert.equal(indexTerms("Café", "other"), "cafe");
  assert.equal(indexTerms("sql数据库", "en"), "sql 数据 据库");
  assert.deepEqual(bigrams("库"), ["库"]);
});

Deno.test("query terms cover Spanish, English and unstemmed forms, without function words", () => {
  const terms = queryTerms("las bases de datos");
  for (const t of ["bas", "dat", "base", "bases", "datos"]) assert.ok(terms.includes(t), t);
  assert.ok(!terms.includes("las") && !terms.includes("de"));
  assert.deepEqual(queryTerms("de la"), ["de", "la"]);
});
