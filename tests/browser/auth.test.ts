/**
 * The UI with auth on, in a Spanish-speaking browser: the page loads without a key, the API
 * calls it makes are refused until a key is pasted, and then a file dropped on the page is
 * uploaded and ingested as that key's user.
 */
import assert from "node:assert/strict";
import { call, type Client } from "../support/api.ts";
import { startServer } from "../support/server.ts";
import { ARTIFACTS, launch } from "./chromium.ts";

const ADMIN = "admin-key-for-browser-tests-0123456789";

Deno.test({
  name: "browser: auth on, key pasted, a dropped file is ingested for that user",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    const server = await startServer({
      env: { LIGERO_AUTH__ENABLED: "true", LIGERO_ADMIN_KEY: ADMIN },
    });
    const browser = await launch("es-ES");
    try {
      const admin: Client = { url: server.url, headers: { authorization: `Bearer ${ADMIN}` } };
      const user = await call(admin, "POST", "/admin/users", { name: "ana" });
      const key = (await call(admin, "POST", `/admin/users/${user.body.user.id}/keys`, {
        name: "browser",
      })).body.key as string;
      const page = await browser.context.newPage();

      await t.step("without a key the page loads in Spanish and asks for one", async () => {
        const res = await page.goto(server.url);
        assert.equal(res?.status(), 200);
        assert.equal(await page.locator("#library-title").textContent(), "Documentos");
        await page.locator("#key-panel[open]").waitFor();
        assert.match(await page.locator("#status").textContent() ?? "", /Error/);
      });

      await t.step("with the key pasted the library loads", async () => {
        await page.locator("#key-input").fill(key);
        await page.locator("#key-form button").click();
        await page.locator("#documents .empty").waitFor();
        assert.equal(await page.evaluate<string>(`localStorage.getItem("ligero.apiKey")`), key);
      });

      await t.step("a file dropped on the page is uploaded and becomes ready", async () => {
        await page.evaluate(`(() => {
          const data = new DataTransfer();
          data.items.add(new File(["La tortilla lleva huevos, patatas y aceite de oliva."],
            "cocina.txt", { type: "text/plain" }));
          const drop = document.getElementById("drop");
          for (const type of ["dragover", "drop"]) {
            drop.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
          }
        })()`);
        await page.locator('#documents li[data-status="ready"]').waitFor({ timeout: 60_000 });
        assert.equal(await page.locator("#documents .badge").textContent(), "listo");
        await page.screenshot({ path: `${ARTIFACTS}ui-5-auth-es.png` });
        const mine = await call(
          { url: server.url, headers: { authorization: `Bearer ${key}` } },
          "GET",
          "/documents",
        );
        assert.equal(mine.body.total, 1);
        assert.equal(mine.body.documents[0].title, "cocina");
      });
    } finally {
      await browser.close();
      await server.stop();
    }
  },
});
