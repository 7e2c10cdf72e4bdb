import assert from "node:assert/strict";
import { uiRoutes } from "./ui.ts";

const app = uiRoutes();

Deno.test("ui: / is the page, under a CSP without inline code or framing", async () => {
  const res = await app.request("/");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/html/);
  const csp = res.headers.get("content-security-policy")!;
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /style-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("referrer-policy"), "no-referrer");
  const html = await res.text();
  assert.doesNotMatch(
    html,
    /<script>|<style|\sstyle=|\son\w+=/i,
    "inline script or style in the page",
  );
});

Deno.test("ui: modules and styles are served with their types", async () => {
  const js = await app.request("/ui/js/main.js");
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type")!, /^text\/javascript/);
  const css = await app.request("/ui/css/base.css");
  assert.match(css.headers.get("content-type")!, /^text\/css/);
});

Deno.test("ui: gzipped for clients that accept it", async () => {
  const plain = await app.request("/ui/js/i18n.js");
  const gz = await app.request("/ui/js/i18n.js", { headers: { "accept-encoding": "gzip, br" } });
  assert.equal(gz.headers.get("content-encoding"), "gzip");
  const unzipped = await new Response(gz.body!.pipeThrough(new DecompressionStream("gzip"))).text();
  assert.equal(unzipped, await plain.text());
});

Deno.test("ui: an unchanged file answers 304 to its ETag", async () => {
  const first = await app.request("/ui/js/main.js");
  const etag = first.headers.get("etag")!;
  const again = await app.request("/ui/js/main.js", { headers: { "if-none-match": etag } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
});

Deno.test("ui: nothing outside ui/ and no unknown file is served", async () => {
  for (const path of ["/ui/../deno.json", "/ui/%2e%2e/deno.json", "/ui/js/nope.js", "/ui/"]) {
    const res = await app.request(path);
    assert.equal(res.status, 404, path);
  }
});
