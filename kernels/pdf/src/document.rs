//! An opened PDF: the file bytes, its cross-reference, a lazily filled object cache that
//! pages extracted in parallel share, and the page list.

mod cache;

use crate::encryption::Crypt;
use crate::error::{damaged, not_pdf, too_large, Result};
use crate::filters;
use crate::limits::{max_objects, MAX_INDIRECTION, MAX_OBJECTS};
use crate::object::{Dict, Object, Stream};
use crate::object_stream;
use crate::pages::{self, Page};
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
