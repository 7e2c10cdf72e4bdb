/**
 * Debian's Chromium driven by playwright-core, headless, in a fresh profile. The flags keep
 * it quiet on a closed network: without them it keeps trying to reach update, sync and
 * field-trial servers.
 */
import { chromium } from "playwright-core";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM = Deno.env.get("LIGERO_CHROMIUM") ?? "/usr/bin/chromium";

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(locale = "en-US"): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install chromium (or set LIGERO_CHROMIUM)`,
    );
  }
  const profile = await Deno.makeTempDir({ prefix: "ligero-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    locale,
    viewport: { width: 1280, height: 860 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** Where screenshots go (gitignored); CI keeps them as artifacts. */
export const ARTIFACTS = new URL("../artifacts/", import.meta.url).pathname;
