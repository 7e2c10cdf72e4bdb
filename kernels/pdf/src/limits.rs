//! Hard limits that keep hostile files from exhausting memory or the stack.

/// Nesting of arrays and dictionaries in one object.
pub const MAX_DEPTH: usize = 64;
/// Highest object number accepted (the xref is a dense table indexed by it).
pub const MAX_OBJECTS: usize = 8_000_000;

/// The object-number limit for a file of `len` bytes: every object takes at least a byte
/// even compressed, so a larger number is junk that would only inflate the tables.
pub fn max_objects(len: usize) -> usize {
    MAX_OBJECTS.min(len.saturating_add(1024))
}
/// Bytes one decoded stream may grow to: a zip bomb stops here.
pub const MAX_DECODED: usize = 32 << 20;
/// Bytes all the content streams and forms of one page may decode to together: a page that
/// repeats a bomb 10 000 times (or nests forms) stops here too, so pages extracted in
/// parallel hold at most this much decoded content each.
pub const MAX_PAGE_DECODED: usize = 32 << 20;
/// Bytes a page decodes before it waits for the one turn in the process to decode more
/// (budget.rs): pages in parallel hold at most this much each, the turn's holder the rest.
/// The pages of the dev corpus stay far below it.
pub const FREE_PAGE_DECODED: usize = 2 << 20;
/// Chained references, object streams inside object streams, nested forms.
pub const MAX_INDIRECTION: usize = 16;
/// Page tree nodes visited; also bounds the page count.
pub const MAX_PAGE_NODES: usize = 1_000_000;
/// Content-stream operators interpreted per page (forms included).
pub const MAX_OPS_PER_PAGE: usize = 20_000_000;
