import assert from "node:assert/strict";
import { queryTerms } from "../plugins/store/terms.ts";
import { snippet } from "./snippet.ts";

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
