//! Objects loaded on first use into the document's cache, which pages extracted in parallel
//! share: read at their xref offset (or where a scan of the file found them), decrypted, or
//! unpacked with every other object of their object stream.

use super::Document;
use crate::encryption::decrypt_object;
use crate::filters;
use crate::limits::MAX_INDIRECTION;
use crate::object::Object;
use crate::object_stream;
use crate::parser::parse_indirect;
use crate::recover;
use crate::xref::Entry;
use std::sync::Arc;

impl Document {
    pub fn load(&self, num: u32) -> Arc<Object> {
        self.load_at(num, 0)
    }

    fn load_at(&self, num: u32, depth: usize) -> Arc<Object> {
        let Some(cell) = self.cache.get(num as usize) else {
            return Arc::new(Object::Null);
        };
        if let Some(o) = cell.get() {
            return o.clone();
        }
        if depth > MAX_INDIRECTION {
            return Arc::new(Object::Null);
        }
        let obj = match self.xref.get(num) {
            Entry::Free => Object::Null,
            Entry::At(pos) => self.read_at(num, pos),
            Entry::InStream { stream, .. } => {
                self.unpack_stream(stream, depth + 1);
                return cell
                    .get()
                    .cloned()
                    .unwrap_or_else(|| Arc::new(Object::Null));
            }
        };
        let obj = Arc::new(obj);
        // a racing thread may have stored the same object: either copy is fine
        let _ = cell.set(obj.clone());
        obj
    }

    fn read_at(&self, num: u32, pos: usize) -> Object {
        let found = parse_indirect(&self.data, pos)
            .filter(|&(n, _, _)| n == num)
            .or_else(|| {
                let Entry::At(p) = self
                    .scanned
                    .get_or_init(|| recover::scan(&self.data))
                    .get(num)
                else {
                    return None;
                };
                parse_indirect(&self.data, p).filter(|&(n, _, _)| n == num)
            });
        let Some((_, gen, obj)) = found else {
            return Object::Null;
        };
        match &self.crypt {
            Some(c) if Some(num) != self.encrypt_ref => decrypt_object(c, num, gen, obj, 0),
            _ => obj,
        }
    }

    /// Decodes an object stream once and fills the cache with every object it holds.
    /// Threads asking for the same stream wait for the one decoding it.
    fn unpack_stream(&self, stream_num: u32, depth: usize) {
        // object streams must not live in object streams: refusing them rules out cycles
        if !matches!(self.xref.get(stream_num), Entry::At(_)) {
            return;
        }
        let Ok(once) = self
            .streams
            .lock()
            .map(|mut m| m.entry(stream_num).or_default().clone())
        else {
            return;
        };
        once.get_or_init(|| self.fill_from_stream(stream_num, depth));
    }

    fn fill_from_stream(&self, stream_num: u32, depth: usize) {
        let holder = self.load_at(stream_num, depth);
        let Some(s) = holder.as_stream() else { return };
        // parameters are resolved only from top-level objects, so no other stream is waited on
        let direct = |o: &Object| match o {
            Object::Ref(n, _) if matches!(self.xref.get(*n), Entry::At(_)) => {
                (*self.load(*n)).clone()
            }
            other => other.clone(),
        };
        let Ok(bytes) = filters::decode(&s.raw, &s.dict, &direct) else {
            return;
        };
        for (num, obj) in object_stream::objects(&bytes, &s.dict) {
            if matches!(self.xref.get(num), Entry::InStream { stream, .. } if stream == stream_num)
            {
                if let Some(cell) = self.cache.get(num as usize) {
                    let _ = cell.set(Arc::new(obj));
                }
            }
        }
    }
}
