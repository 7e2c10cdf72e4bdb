//! Page text: the interpreter run over a page's content streams, with fonts cached across
//! pages, and pages extracted in parallel.

use crate::budget::PageBudget;
use crate::content::{FontSource, Interpreter};
use crate::document::Document;
use crate::error::{damaged, Result};
use crate::fonts::Font;
use crate::object::{Dict, Object};
use ligero_abi::Status;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

pub struct Extractor {
    pub doc: Document,
    fonts: Mutex<HashMap<u32, Arc<Font>>>,
    text_layer: OnceLock<bool>,
    over_budget: AtomicBool,
    unknown_font: Arc<Font>,
}

impl FontSource for Extractor {
    fn fallback(&self) -> Arc<Font> {
        self.unknown_font.clone()
    }

    fn font(&self, doc: &Document, entry: &Object) -> Option<Arc<Font>> {
        let Some((num, _)) = entry.as_ref() else {
            return doc
                .resolve(entry)
                .as_dict()
                .map(|d| Arc::new(Font::load(doc, d)));
        };
        if let Some(f) = self.fonts.lock().ok()?.get(&num) {
            return Some(f.clone());
        }
        let obj = doc.load(num);
        let font = Arc::new(Font::load(doc, obj.as_dict()?));
        self.fonts.lock().ok()?.insert(num, font.clone());
        Some(font)
    }
}

impl Extractor {
    pub fn new(doc: Document) -> Self {
        Self {
            doc,
            fonts: Mutex::new(HashMap::new()),
            text_layer: OnceLock::new(),
            over_budget: AtomicBool::new(false),
            unknown_font: Arc::new(Font::unknown()),
        }
    }

    /// Text of page `index` (from 0), lines separated by newlines.
    pub fn page_text(&self, index: usize) -> Result<String> {
        let page = self
            .doc
            .pages
            .get(index)
            .ok_or_else(|| damaged(format!("no page {}", index + 1)))?;
        let page_dict = page.dict.as_dict().cloned().unwrap_or_default();
        let resources = self
            .doc
            .resolve(&page.resources)
            .as_dict()
            .cloned()
            .unwrap_or_else(Dict::default);
        let mut budget = PageBudget::new();
        let mut content = Vec::new();
        let contents = self.doc.get(&page_dict, b"Contents");
        let parts: Vec<Object> = match &*contents {
            Object::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        for part in parts.iter().take(10_000) {
            let obj = self.doc.resolve(part);
            let Some(s) = obj.as_stream() else { continue };
            match budget.decode(|limit| self.doc.decode_within(s, limit)) {
                Ok(mut bytes) if bytes.len() > content.len() => {
                    // the bigger buffer takes the smaller: never two big copies at once
                    bytes.splice(0..0, content.drain(..));
                    content = bytes;
                    content.push(b'\n');
                }
                Ok(bytes) => {
                    content.extend_from_slice(&bytes);
                    content.push(b'\n');
                }
                // the page's budget is spent: a bomb, repeated or not, decodes no further
                Err(e) if e.status == Status::LimitExceeded => break,
                Err(_) => {} // a damaged part: the others may still read
            }
        }
        let mut interp = Interpreter::new(&self.doc, self);
        interp.budget = budget;
        interp.run(&content, &resources, 0)?;
        if interp.budget.spent() {
            self.over_budget.store(true, Ordering::Relaxed);
        }
        Ok(interp.out.finish())
    }

    /// Pages `first..last` (from 0) in parallel, in order.
    pub fn pages_text(&self, first: usize, last: usize) -> Vec<Result<String>> {
        (first..last)
            .into_par_iter()
            .map(|i| self.page_text(i))
            .collect()
    }

    /// Whether a page extracted so far went over its decode budget (limits::MAX_PAGE_DECODED):
    /// a file without text for that reason is too large, not a scan.
    pub fn over_budget(&self) -> bool {
        self.over_budget.load(Ordering::Relaxed)
    }

    /// Whether any page has text; stops at the first that does (a scan has none).
    pub fn has_text_layer(&self) -> bool {
        *self.text_layer.get_or_init(|| {
            (0..self.doc.pages.len()).any(|i| {
                self.page_text(i)
                    .is_ok_and(|t| t.chars().any(char::is_alphanumeric))
            })
        })
    }
}
