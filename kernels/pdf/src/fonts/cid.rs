//! Composite (Type 0) fonts: the encoding CMap that splits strings into codes and CIDs,
//! CID widths, and where their text comes from.

use super::cid_unicode;
use super::cmap::CMap;
use crate::document::Document;
use crate::object::{Dict, Object};
use std::collections::HashMap;

pub struct Cid {
    pub encoding: CMap,
    pub identity: bool,
    /// The code is the Unicode value (Uni*-UCS2 and UTF-16 predefined CMaps).
    pub unicode_codes: bool,
    pub to_unicode: Option<CMap>,
    /// The collection's CID → Unicode table, for fonts without (complete) ToUnicode.
    pub collection: Option<&'static [u8]>,
    /// Widths from `c [w1 w2 ...]` entries, one per CID.
    pub widths: HashMap<u32, f64>,
    /// Widths from `c_first c_last w` entries, kept as ranges: a hostile /W cannot inflate them.
    pub width_ranges: Vec<(u32, u32, f64)>,
    pub default_width: f64,
}

pub fn load_cid(doc: &Document, dict: &Dict, to_unicode: Option<CMap>) -> Cid {
    let enc = doc.get(dict, b"Encoding");
    let (encoding, name) = match &*enc {
        Object::Name(n) => (CMap::default(), n.clone()),
        Object::Stream(s) => {
            let cmap = doc.decode(s).map(|b| CMap::parse(&b)).unwrap_or_default();
            let name = cmap.parent.clone().unwrap_or_default();
            (cmap, name)
        }
        _ => (CMap::default(), b"Identity-H".to_vec()),
    };
    let identity =
        encoding.is_empty() && (name.starts_with(b"Identity") || name.is_empty() || is_ucs2(&name));
    let unicode_codes = is_ucs2(&name);
    let descendant = doc.get(dict, b"DescendantFonts");
    let desc = descendant
        .as_array()
        .and_then(|a| a.first())
        .map(|o| doc.resolve(o));
    let desc_dict = desc.as_deref().and_then(Object::as_dict);
    let default_width = desc_dict
        .and_then(|d| doc.get(d, b"DW").as_f64())
        .unwrap_or(1000.0);
    let mut widths = HashMap::new();
    let mut width_ranges = Vec::new();
    if let Some(w) = desc_dict.map(|d| doc.get(d, b"W")) {
        if let Some(items) = w.as_array() {
            cid_widths(doc, items, &mut widths, &mut width_ranges);
        }
    }
    let collection = desc_dict
        .and_then(|d| {
            doc.get(d, b"CIDSystemInfo")
                .as_dict()
                .and_then(|i| doc.get(i, b"Ordering").as_str().map(<[u8]>::to_vec))
        })
        .and_then(|o| cid_unicode::table(&o));
    Cid {
        encoding,
        identity,
        unicode_codes,
        to_unicode,
        collection,
        widths,
        width_ranges,
        default_width,
    }
}

fn is_ucs2(name: &[u8]) -> bool {
    name.starts_with(b"Uni")
        && (name.windows(4).any(|w| w == b"UCS2") || name.windows(5).any(|w| w == b"UTF16"))
}

/// /W: `c [w1 w2 ...]` or `c_first c_last w`.
fn cid_widths(
    doc: &Document,
    items: &[Object],
    out: &mut HashMap<u32, f64>,
    ranges: &mut Vec<(u32, u32, f64)>,
) {
    let mut i = 0;
    while i < items.len() {
        let Some(first) = doc.resolve(&items[i]).as_i64() else {
            break;
        };
        let first = first.clamp(0, u32::MAX as i64) as u32;
        let next = doc.resolve(items.get(i + 1).unwrap_or(&Object::Null));
        if let Some(list) = next.as_array() {
            for (k, w) in list.iter().enumerate() {
                out.insert(first.saturating_add(k as u32), w.as_f64().unwrap_or(0.0));
            }
            i += 2;
        } else {
            let last = next.as_i64().unwrap_or(0).clamp(0, u32::MAX as i64) as u32;
            let w = items
                .get(i + 2)
                .and_then(|o| doc.resolve(o).as_f64())
                .unwrap_or(0.0);
            ranges.push((first, last, w));
            i += 3;
        }
    }
}

impl Cid {
    /// Glyph width of `cid` in glyph-space units.
    pub fn width(&self, cid: u32) -> f64 {
        if let Some(&w) = self.widths.get(&cid) {
            return w;
        }
        let range = self
            .width_ranges
            .iter()
            .find(|&&(a, b, _)| (a..=b).contains(&cid));
        range.map_or(self.default_width, |r| r.2)
    }
}
