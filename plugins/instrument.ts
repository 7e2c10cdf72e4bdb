/**
 * Wraps a kernel so every method call is timed into
 * `ligero_kernel_call_duration_seconds{kernel, op, impl}`, sync and async alike.
 */
import { Histogram, LATENCY_BUCKETS, metrics } from "../server/metrics.ts";

const calls = metrics.register(
  new Histogram(
    "ligero_kernel_call_duration_seconds",
    "Time spent in kernel calls, by kernel, operation and implementation.",
    LATENCY_BUCKETS,
  ),
);

export function instrument<T extends object>(kernel: string, impl: string, target: T): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== "function" || prop === "constructor") return value;
      // methods reach private fields, so they must run with the target as `this`; a hold
      // spans a whole job, not a kernel call
      if (prop === "close" || prop === "hold") return value.bind(obj);
      let fn = wrapped.get(prop);
      if (!fn) {
        const labels = { kernel, op: String(prop), impl };
        fn = function timed(...args: unknown[]) {
          const start = performance.now();
          const done = () => calls.observe((performance.now() - start) / 1000, labels);
          const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
          if (result instanceof Promise) return result.finally(done);
          done();
          return result;
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
