/** Liveness and readiness. */
import { Hono } from "hono";
import { describe } from "../plugins/registry.ts";
import { errorBody } from "../server/errors.ts";
import { type Runtime, VERSION } from "../server/runtime.ts";

export function healthRoutes({ governor, plugins }: Runtime): Hono {
  const app = new Hono();

  app.get("/health", (c) => c.json({ status: "ok", version: VERSION }));

  app.get("/ready", (c) => {
    const memory = {
      rss: governor.rss,
      ceiling: governor.ceiling,
      ceilingSource: governor.ceilingSource,
      belowThreshold: !governor.shedding,
    };
    const kernels = describe(plugins);
    if (governor.shedding) {
      return c.json(
        {
          ...errorBody("not_ready", "memory is above the shedding threshold"),
          memory,
          kernels,
        },
        503,
      );
    }
    return c.json({ status: "ready", version: VERSION, memory, kernels });
  });

  return app;
}
