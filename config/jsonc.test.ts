import assert from "node:assert/strict";
import { JsoncError, parseJsonc } from "./jsonc.ts";

Deno.test("jsonc: comments and trailing commas are ignored, strings kept as written", () => {
  const text = `// head
{
  "a": 1, // after a value
  /* block, with a comma } */ "b": [1, 2, /* c */ ],
  "url": "http://x//y/*z*/", "quote": "a \\" // b",
  "nested": { "c": true, },
}
`;
  assert.deepEqual(parseJsonc(text), {
    a: 1,
    b: [1, 2],
    url: "http://x//y/*z*/",
    quote: 'a " // b',
    nested: { c: true },
  });
});

Deno.test("jsonc: the repository's ligero.jsonc reads", () => {
  const config = parseJsonc(Deno.readTextFileSync(new URL("../ligero.jsonc", import.meta.url)));
  assert.equal((config as { server: { port: number } }).server.port, 8080);
});

Deno.test("jsonc: an error names the line it is on", () => {
  const cases: [string, number][] = [
    ['{\n  "a": 1,\n  "b" 2\n}', 3],
    ['{ "memory": { "ceiling": "1GiB", } ', 1],
    ['{\n  "a": 1 /* never closed\n}', 2],
    ['{\n  "a": 1,,\n}', 2],
    ['{ "a": 1 }\n// a comma, not trailing:\n,', 3],
  ];
  for (const [text, line] of cases) {
    assert.throws(() => parseJsonc(text), (e) => {
      assert.ok(e instanceof JsoncError, String(e));
      assert.equal(e.line, line, `${JSON.stringify(text)}: ${e.message}`);
      assert.doesNotMatch(e.message, /position/);
      return true;
    });
  }
});
