/**
 * The web UI: `/` is ui/index.html, `/ui/*` the files beside it. No build step and no CDN:
 * the files are read and gzipped once, on the first request for any of them (34 KB, 13 KB
 * gzipped; node:zlib is loaded then, not at idle), and served from memory with an ETag. Every
 * response carries a Content-Security-Policy that allows only this origin's scripts and
 * styles, no inline code, no framing.
 */
import { Hono } from "hono";
import { createHash } from "node:crypto";

const UI_DIR = new URL("../ui/", import.meta.url);

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
};

export const UI_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; "),
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  // revalidate every time: the ETag makes that a 304 with no body
  "Cache-Control": "no-cache",
};

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  gzipped: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
}

/** Every servable file under `dir`, keyed by its path relative to it ("js/main.js"). */
export async function loadAssets(dir: URL = UI_DIR): Promise<Map<string, Asset>> {
  const { gzipSync } = await import("node:zlib");
  const assets = new Map<string, Asset>();
  const walk = (sub: string) => {
    for (const entry of Deno.readDirSync(new URL(sub, dir))) {
      const path = sub + entry.name;
      if (entry.isDirectory) walk(path + "/");
      const type = TYPES[entry.name.split(".").pop() ?? ""];
      if (!entry.isFile || !type) continue;
      const body = Deno.readFileSync(new URL(path, dir));
      const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
      const gzipped = new Uint8Array(gzipSync(body, { level: 9 }));
      assets.set(path, { body, gzipped, type, etag });
    }
  };
  walk("");
  return assets;
}

export function uiRoutes(load: () => Promise<Map<string, Asset>> = loadAssets): Hono {
  const app = new Hono();
  let assets: Promise<Map<string, Asset>> | undefined;
  const serve = async (path: string, request: Request) => {
    const asset = (await (assets ??= load())).get(path);
    if (!asset) return undefined;
    const headers: Record<string, string> = {
      ...UI_HEADERS,
      ETag: asset.etag,
      Vary: "Accept-Encoding",
    };
    if (request.headers.get("if-none-match") === asset.etag) {
      return new Response(null, { status: 304, headers });
    }
    headers["Content-Type"] = asset.type;
    if (/\bgzip\b/.test(request.headers.get("accept-encoding") ?? "")) {
      return new Response(asset.gzipped, { headers: { ...headers, "Content-Encoding": "gzip" } });
    }
    return new Response(asset.body, { headers });
  };
  app.get("/", async (c) => (await serve("index.html", c.req.raw))!);
  app.get("/ui/*", async (c) => {
    // the map holds only the files found under ui/, so no path can reach outside it
    const path = c.req.path.slice("/ui/".length);
    return await serve(path, c.req.raw) ?? c.notFound();
  });
  return app;
}
