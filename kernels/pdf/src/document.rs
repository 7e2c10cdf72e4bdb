//! An opened PDF: the file bytes, its cross-reference, a lazily filled object cache that
//! pages extracted in parallel share, and the page list.

use crate::encryption::Crypt;
use crate::error::{damaged, not_pdf, too_large, Result};
use crate::filters;
use crate::limits::{max_objects, MAX_INDIRECTION, MAX_OBJECTS};
use crate::object::{Dict, Object, Stream};
use crate::object_stream;
use crate::pages::{self, Page};
use crate::parser::parse_indirect;
use crate::recover;
use crate::source::Source;
use crate::xref::{self, Entry, Xref};
use memchr::memmem;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub struct Document {
    data: Source,
    xref: Xref,
    cache: Vec<OnceLock<Arc<Object>>>,
    streams: Mutex<HashMap<u32, Arc<OnceLock<()>>>>,
    /// Where a scan of the file found each object: built the first time an xref offset
    /// turns out wrong, so one bad entry costs one scan, not the document.
    scanned: OnceLock<Xref>,
    crypt: Option<Crypt>,
    encrypt_ref: Option<u32>,
    pub pages: Vec<Page>,
    pub encrypted: bool,
    pub repaired: bool,
}

/// An object either borrowed from its container or shared from the cache.
pub enum Resolved<'a> {
    Borrowed(&'a Object),
    Shared(Arc<Object>),
}

impl std::ops::Deref for Resolved<'_> {
    type Target = Object;
    fn deref(&self) -> &Object {
        match self {
            Resolved::Borrowed(o) => o,
            Resolved::Shared(o) => o,
        }
    }
}

impl Document {
    pub fn open(data: Source) -> Result<Document> {
        let head = &data[..data.len().min(1024)];
        let base =
            memmem::find(head, b"%PDF-").ok_or_else(|| not_pdf("not a PDF: no %PDF- header"))?;
        let (xref, repaired) = match xref::read(&data, base) {
            Some(x) if x.trailer.get(b"Root").is_some() => (x, false),
            _ => (recover::scan(&data), true),
        };
        let mut doc = Document::with_xref(data, xref, repaired)?;
        doc.setup_crypt()?;
        doc.pages = pages::collect(&doc);
        if doc.pages.is_empty() && !doc.repaired {
            // the xref looked fine but led nowhere: rebuild it from the objects themselves
            let data = std::mem::take(&mut doc.data);
            let xref = recover::scan(&data);
            doc = Document::with_xref(data, xref, true)?;
            doc.setup_crypt()?;
            doc.pages = pages::collect(&doc);
        }
        if doc.repaired {
            doc.index_object_streams();
            if doc.pages.is_empty() {
                doc.pages = pages::collect(&doc);
            }
            if doc.pages.is_empty() {
                doc.pages = pages::orphan_contents(&doc);
            }
        }
        if doc.pages.is_empty() {
            return Err(damaged("damaged: no pages could be found"));
        }
        Ok(doc)
    }

    fn with_xref(data: Source, xref: Xref, repaired: bool) -> Result<Document> {
        if xref.entries.len() > MAX_OBJECTS {
            return Err(too_large("too many objects"));
        }
        let cache = (0..xref.entries.len()).map(|_| OnceLock::new()).collect();
        Ok(Document {
            data,
            xref,
            cache,
            streams: Mutex::new(HashMap::new()),
            scanned: OnceLock::new(),
            crypt: None,
            encrypt_ref: None,
            pages: Vec::new(),
            encrypted: false,
            repaired,
        })
    }

    fn setup_crypt(&mut self) -> Result<()> {
        let Some(enc) = self.xref.trailer.get(b"Encrypt").cloned() else {
            return Ok(());
        };
        self.encrypt_ref = enc.as_ref().map(|r| r.0);
        let dict = self.resolve(&enc).as_dict().cloned().unwrap_or_default();
        let id0 = self
            .xref
            .trailer
            .get(b"ID")
            .and_then(Object::as_array)
            .and_then(|a| a.first())
            .and_then(Object::as_str)
            .unwrap_or(&[])
            .to_vec();
        self.crypt = Some(Crypt::open(&dict, &id0)?);
        self.encrypted = true;
        // anything cached so far was read before the key was known
        for cell in &mut self.cache {
            cell.take();
        }
        Ok(())
    }

    /// After a repair: objects that live inside object streams have no `obj` header to
    /// find, so every surviving object stream is indexed.
    fn index_object_streams(&mut self) {
        let mut found = Vec::new();
        for num in 0..self.xref.entries.len() as u32 {
            let obj = self.load(num);
            let Some(s) = obj.as_stream() else { continue };
            if s.dict.name(b"Type") != Some(b"ObjStm") {
                continue;
            }
            let Ok(bytes) = self.decode(s) else { continue };
            for (index, (n, _)) in object_stream::header(&bytes, &s.dict)
                .into_iter()
                .enumerate()
            {
                found.push((n, num, index as u32));
            }
        }
        for (n, stream, index) in found {
            let n = n as usize;
            if n >= max_objects(self.data.len()) {
                continue;
            }
            if n >= self.xref.entries.len() {
                self.xref.entries.resize(n + 1, Entry::Free);
                self.cache.resize_with(n + 1, OnceLock::new);
            }
            if self.xref.entries[n] == Entry::Free {
                self.xref.entries[n] = Entry::InStream { stream, index };
            }
        }
    }

    pub fn trailer(&self) -> &Dict {
        &self.xref.trailer
    }

    pub fn object_count(&self) -> u32 {
        self.xref.entries.len() as u32
    }

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

    pub fn resolve<'a>(&self, obj: &'a Object) -> Resolved<'a> {
        let mut cur = match obj {
            Object::Ref(n, _) => self.load(*n),
            _ => return Resolved::Borrowed(obj),
        };
        for _ in 0..MAX_INDIRECTION {
            match &*cur {
                Object::Ref(n, _) => cur = self.load(*n),
                _ => break,
            }
        }
        Resolved::Shared(cur)
    }

    /// `dict[key]`, following references.
    pub fn get<'a>(&self, dict: &'a Dict, key: &[u8]) -> Resolved<'a> {
        match dict.get(key) {
            Some(o) => self.resolve(o),
            None => Resolved::Borrowed(&Object::Null),
        }
    }

    pub fn decode(&self, s: &Stream) -> Result<Vec<u8>> {
        filters::decode(&s.raw, &s.dict, &|o| (*self.resolve(o)).clone())
    }

    /// [`Self::decode`], refused past `limit` decoded bytes.
    pub fn decode_within(&self, s: &Stream, limit: usize) -> Result<Vec<u8>> {
        filters::decode_within(&s.raw, &s.dict, &|o| (*self.resolve(o)).clone(), limit)
    }
}

fn decrypt_object(c: &Crypt, num: u32, gen: u16, obj: Object, depth: usize) -> Object {
    if depth > crate::limits::MAX_DEPTH {
        return obj;
    }
    match obj {
        Object::Str(s) => Object::Str(c.decrypt(num, gen, &s, false)),
        Object::Array(a) => Object::Array(
            a.into_iter()
                .map(|o| decrypt_object(c, num, gen, o, depth + 1))
                .collect(),
        ),
        Object::Dict(d) => Object::Dict(decrypt_dict(c, num, gen, d, depth)),
        Object::Stream(s) => {
            let Stream { dict, raw } = Arc::unwrap_or_clone(s);
            let is_xref = dict.name(b"Type") == Some(b"XRef");
            let raw = if is_xref {
                raw
            } else {
                c.decrypt(num, gen, &raw, true)
            };
            Object::Stream(Arc::new(Stream {
                dict: decrypt_dict(c, num, gen, dict, depth),
                raw,
            }))
        }
        other => other,
    }
}

fn decrypt_dict(c: &Crypt, num: u32, gen: u16, d: Dict, depth: usize) -> Dict {
    Dict(
        d.0.into_iter()
            .map(|(k, v)| (k, decrypt_object(c, num, gen, v, depth + 1)))
            .collect(),
    )
}
