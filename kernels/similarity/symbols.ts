/**
 * The similarity kernel's C ABI as Deno calls it: one typed symbol table, the C signature of
 * each entry point beside it (kernels/similarity/src/lib.rs has their contracts).
 */

const SEARCH_PARAMETERS = [
  "u32", // mode: 0 exact, 1 int8, 2 cascade, 3 cascade-asym
  "buffer", // const f32* store
  "usize", // store_len
  "buffer", // const u8* int8
  "buffer", // const f32* scales
  "buffer", // const u64* bits
  "buffer", // const f32* center
  "usize", // dims
  "buffer", // const f32* query
  "usize", // query_len
  "usize", // k
  "usize", // wide
  "usize", // narrow
  "buffer", // const u32* owners
  "u32", // owner
  "buffer", // const u8* allow
  "usize", // allow_len
  "buffer", // u32* out_rows
  "buffer", // f32* out_scores
  "usize", // out_cap
  "buffer", // u32* out_found
  "buffer", // u8* err
  "usize", // err_cap
] as const;

/**
 * The nonblocking call takes its inputs as raw pointers: Deno refuses resizable ArrayBuffers
 * (the vector index's columns) as "buffer" arguments of nonblocking calls. The arrays stay
 * alive because the caller holds them until the promise settles (`search` keeps them too).
 */
const SEARCH_PARAMETERS_ASYNC = [
  "u32", // mode
  "pointer", // store
  "usize", // store_len
  "pointer", // int8
  "pointer", // scales
  "pointer", // bits
  "pointer", // center
  "usize", // dims
  "pointer", // query
  "usize", // query_len
  "usize", // k
  "usize", // wide
  "usize", // narrow
  "pointer", // owners
  "u32", // owner
  "pointer", // allow
  "usize", // allow_len
  "pointer", // out_rows
  "pointer", // out_scores
  "usize", // out_cap
  "pointer", // out_found
  "pointer", // err
  "usize", // err_cap
] as const;

export const symbols = {
  // i32 sim_dot_f32(const f32* a, const f32* b, usize len, f32* out, u8* err, usize err_cap)
  sim_dot_f32: {
    parameters: ["buffer", "buffer", "usize", "buffer", "buffer", "usize"],
    result: "i32",
  },
  // i32 sim_encode(const f32* store, usize store_len, usize dims, const f32* center,
  //                u8* int8, usize int8_len, f32* scales, usize scales_len,
  //                u64* bits, usize bits_len, u8* err, usize err_cap)
  sim_encode: {
    parameters: [
      "buffer",
      "usize",
      "usize",
      "buffer",
      "buffer",
      "usize",
      "buffer",
      "usize",
      "buffer",
      "usize",
      "buffer",
      "usize",
    ],
    result: "i32",
  },
  // i32 sim_search(u32 mode, const f32* store, usize store_len, const u8* int8,
  //                const f32* scales, const u64* bits, const f32* center, usize dims,
  //                const f32* query, usize query_len, usize k, usize wide, usize narrow,
  //                const u32* owners, u32 owner, const u8* allow, usize allow_len,
  //                u32* out_rows, f32* out_scores, usize out_cap, u32* out_found,
  //                u8* err, usize err_cap) — small scans, on the calling thread
  sim_search: { parameters: SEARCH_PARAMETERS, result: "i32" },
  // i32 sim_huge_pages(const u8* ptr, usize len, u32 collapse, u32* out_advised, u8* err,
  //                    usize err_cap)
  sim_huge_pages: {
    parameters: ["pointer", "usize", "u32", "buffer", "buffer", "usize"],
    result: "i32",
  },
  // the same function for scans of ≥ ~1 ms, on a worker thread
  sim_search_async: {
    name: "sim_search",
    parameters: SEARCH_PARAMETERS_ASYNC,
    result: "i32",
    nonblocking: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;
