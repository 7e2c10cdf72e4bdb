import assert from "node:assert/strict";
import { bigrams, indexTerms, queryTerms } from "./terms.ts";
import { snippet } from "./snippet.ts";

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

Deno.test("snippet marks matched words and escapes the rest", () => {
  const text = "<b>Una</b> base de dato & más.";
  assert.equal(
    snippet(text, "es", new Set(queryTerms("bases datos"))),
    "&lt;b&gt;Una&lt;/b&gt; <mark>base</mark> de <mark>dato</mark> &amp; más.",
  );
  const long = Array.from({ length: 100 }, (_, i) => (i === 70 ? "needle" : `w${i}`)).join(" ");
  const s = snippet(long, "en", new Set(["needl"]));
  assert.match(s, /^….*<mark>needle<\/mark>.*…$/);
});
