//! The page list: a walk of the page tree with inherited attributes, or, when the tree is
//! lost (truncated files), every /Type /Page object in object-number order.

use crate::document::Document;
use crate::limits::{MAX_DEPTH, MAX_PAGE_NODES};
use crate::object::{Dict, Object};
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Clone)]
pub struct Page {
    pub dict: Arc<Object>,
    pub resources: Object,
    pub rotate: i64,
}

pub fn collect(doc: &Document) -> Vec<Page> {
    let root = doc.get(doc.trailer(), b"Root");
    let mut pages = Vec::new();
    if let Some(cat) = root.as_dict() {
        if let Some(tree) = cat.get(b"Pages") {
            let mut seen = HashSet::new();
            walk(doc, tree, &Object::Null, 0, 0, &mut seen, &mut pages);
        }
    }
    if pages.is_empty() {
        pages = scan(doc);
    }
    pages
}

fn walk(
    doc: &Document,
    node: &Object,
    resources: &Object,
    rotate: i64,
    depth: usize,
    seen: &mut HashSet<u32>,
    out: &mut Vec<Page>,
) {
    if depth > MAX_DEPTH || seen.len() > MAX_PAGE_NODES {
        return;
    }
    if let Some((n, _)) = node.as_ref() {
        if !seen.insert(n) {
            return;
        }
    }
    let resolved = doc.resolve(node);
    let shared = match &resolved {
        crate::document::Resolved::Shared(a) => a.clone(),
        crate::document::Resolved::Borrowed(o) => Arc::new((*o).clone()),
    };
    let Some(dict) = shared.as_dict() else { return };
    let resources = dict
        .get(b"Resources")
        .cloned()
        .unwrap_or_else(|| resources.clone());
    let rotate = doc.get(dict, b"Rotate").as_i64().unwrap_or(rotate);
    let kids = doc.get(dict, b"Kids");
    let is_page = dict.name(b"Type") == Some(b"Page")
        || (kids.as_array().is_none() && dict.get(b"Contents").is_some());
    if is_page {
        out.push(Page {
            dict: shared.clone(),
            resources,
            rotate,
        });
        return;
    }
    if let Some(kids) = kids.as_array() {
        for kid in kids {
            walk(doc, kid, &resources, rotate, depth + 1, seen, out);
        }
    }
}

fn scan(doc: &Document) -> Vec<Page> {
    let mut out = Vec::new();
    for num in 0..doc.object_count() {
        let obj = doc.load(num);
        let Some(dict) = obj.as_dict() else { continue };
        if dict.name(b"Type") != Some(b"Page") {
            continue;
        }
        let resources = inherited(doc, dict, b"Resources");
        let rotate = inherited(doc, dict, b"Rotate").as_i64().unwrap_or(0);
        out.push(Page {
            dict: obj.clone(),
            resources,
            rotate,
        });
    }
    out
}

/// Last resort for files whose page objects are lost (truncated before the object stream
/// holding them): every surviving content stream becomes a page, in object order.
pub fn orphan_contents(doc: &Document) -> Vec<Page> {
    let mut out = Vec::new();
    for num in 0..doc.object_count() {
        let obj = doc.load(num);
        let Some(s) = obj.as_stream() else { continue };
        let d = &s.dict;
        let typed = [&b"Type"[..], b"Subtype", b"Length1", b"N", b"Width"]
            .iter()
            .any(|k| d.get(k).is_some());
        if typed {
            continue;
        }
        let Ok(bytes) = doc.decode(s) else { continue };
        let has = |pat: &[u8]| memchr::memmem::find(&bytes, pat).is_some();
        if has(b"BT") && has(b"ET") && has(b"Tf") && !has(b"begincmap") {
            let mut page = Dict::default();
            page.insert(b"Contents", Object::Ref(num, 0));
            out.push(Page {
                dict: Arc::new(Object::Dict(page)),
                resources: Object::Null,
                rotate: 0,
            });
        }
    }
    out
}

fn inherited(doc: &Document, dict: &Dict, key: &[u8]) -> Object {
    if let Some(v) = dict.get(key) {
        return v.clone();
    }
    let mut parent = doc.get(dict, b"Parent").as_dict().cloned();
    for _ in 0..MAX_DEPTH {
        let Some(p) = parent else { break };
        if let Some(v) = p.get(key) {
            return v.clone();
        }
        parent = doc.get(&p, b"Parent").as_dict().cloned();
    }
    Object::Null
}
