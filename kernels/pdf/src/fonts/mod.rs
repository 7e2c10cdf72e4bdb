//! Fonts as text extraction sees them: how a string splits into codes, what text each code
//! stands for, and how far each glyph advances.

mod cff;
mod cid;
mod cid_unicode;
mod cmap;
mod encoding;
mod glyphs;
mod standard14;
mod truetype;

use crate::document::Document;
use crate::object::{Dict, Object};
use cid::Cid;
use cmap::CMap;
use encoding::CodeMap;

pub use cid_unicode::available as cjk_tables;
pub use encoding::pdf_doc;

pub struct Font {
    simple: Option<Simple>,
    cid: Option<Cid>,
    /// Text-space units per glyph-space unit (1/1000, or a Type 3 font's matrix).
    scale: f64,
}

struct Simple {
    text: CodeMap,
    widths: Vec<f64>,
}

impl Font {
    pub fn load(doc: &Document, dict: &Dict) -> Font {
        let subtype = dict.name(b"Subtype").unwrap_or(b"Type1");
        let to_unicode = doc
            .get(dict, b"ToUnicode")
            .as_stream()
            .and_then(|s| doc.decode(s).ok())
            .map(|b| CMap::parse(&b))
            .filter(|c| !c.is_empty());
        if subtype == b"Type0" {
            return Font {
                simple: None,
                cid: Some(cid::load_cid(doc, dict, to_unicode)),
                scale: 0.001,
            };
        }
        let scale = if subtype == b"Type3" {
            doc.get(dict, b"FontMatrix")
                .as_array()
                .and_then(|m| m.first())
                .and_then(Object::as_f64)
                .unwrap_or(0.001)
        } else {
            0.001
        };
        let simple = load_simple(doc, dict, subtype, to_unicode);
        Font {
            simple: Some(simple),
            cid: None,
            scale,
        }
    }

    /// Stands in for a font that cannot be found (its resources were lost): Latin-1 text
    /// and zero widths, so word gaps come from the positioning operators alone.
    pub fn unknown() -> Font {
        let text = (0..=255u8)
            .map(|b| {
                (b.is_ascii_graphic() || b == b' ' || b >= 0xA0).then(|| char::from(b).to_string())
            })
            .collect();
        Font {
            simple: Some(Simple {
                text,
                widths: vec![0.0; 256],
            }),
            cid: None,
            scale: 0.001,
        }
    }

    /// Calls `f(text, width, is_word_space)` per glyph of `bytes`; width in text space
    /// units per unit of font size; `is_word_space` marks the single-byte code 32 that
    /// word spacing (Tw) applies to.
    pub fn decode(&self, bytes: &[u8], mut f: impl FnMut(&str, f64, bool)) {
        if let Some(s) = &self.simple {
            for &b in bytes {
                let text = s.text[usize::from(b)].as_deref().unwrap_or("");
                f(text, s.widths[usize::from(b)] * self.scale, b == 32);
            }
            return;
        }
        let Some(c) = &self.cid else { return };
        let mut rest = bytes;
        let mut buf = String::new();
        while !rest.is_empty() {
            let (code, len) = if c.identity {
                c.encoding.next_code(rest, 2)
            } else {
                c.encoding.next_code(rest, 1)
            };
            rest = &rest[len.min(rest.len())..];
            let cid = if c.identity {
                code
            } else {
                c.encoding.cid(code).unwrap_or(code)
            };
            buf.clear();
            if let Some(t) = c.to_unicode.as_ref().and_then(|m| m.text(code)) {
                buf.push_str(&t);
            } else if c.unicode_codes {
                buf.extend(char::from_u32(code));
            } else if let Some(t) = c.collection {
                buf.extend(cid_unicode::lookup(t, cid));
            }
            let w = c.width(cid);
            f(&buf, w * self.scale, len == 1 && code == 32);
        }
    }
}

fn load_simple(doc: &Document, dict: &Dict, subtype: &[u8], to_unicode: Option<CMap>) -> Simple {
    let base_font = dict.name(b"BaseFont").unwrap_or(b"");
    let descriptor = doc.get(dict, b"FontDescriptor");
    let descriptor = descriptor.as_dict();
    let flags = descriptor
        .and_then(|d| d.get(b"Flags"))
        .and_then(Object::as_i64)
        .unwrap_or(0);
    let symbolic = flags & 4 != 0 && flags & 32 == 0;
    let enc = doc.get(dict, b"Encoding");
    let builtin = || -> Option<CodeMap> {
        let type1 = doc.get(descriptor?, b"FontFile");
        if let Some(s) = type1.as_stream() {
            return encoding::type1_builtin(&doc.decode(s).ok()?);
        }
        let cff = doc.get(descriptor?, b"FontFile3");
        cff::builtin_encoding(&doc.decode(cff.as_stream()?).ok()?)
    };
    let stripped = base_font
        .split(|&c| c == b'+')
        .next_back()
        .unwrap_or(base_font);
    let default = || -> CodeMap {
        if stripped.starts_with(b"Symbol") {
            return encoding::from_table(
                encoding::predefined(b"Symbol").unwrap_or(encoding::pdf_doc()),
            );
        }
        if stripped.starts_with(b"ZapfDingbats") {
            return encoding::from_table(
                encoding::predefined(b"ZapfDingbats").unwrap_or(encoding::pdf_doc()),
            );
        }
        if let Some(m) = builtin() {
            return m;
        }
        let table = if subtype == b"TrueType" || !symbolic {
            b"WinAnsiEncoding".as_slice()
        } else {
            b"StandardEncoding"
        };
        let table = if subtype == b"Type1" && !symbolic {
            b"StandardEncoding".as_slice()
        } else {
            table
        };
        encoding::from_table(encoding::predefined(table).unwrap_or(encoding::pdf_doc()))
    };
    let mut text = match &*enc {
        Object::Name(n) => encoding::predefined(n)
            .map(encoding::from_table)
            .unwrap_or_else(default),
        Object::Dict(d) => {
            let mut m = d
                .name(b"BaseEncoding")
                .and_then(encoding::predefined)
                .map(encoding::from_table)
                .unwrap_or_else(default);
            if let Some(diffs) = doc.get(d, b"Differences").as_array() {
                encoding::apply_differences(&mut m, diffs);
            }
            m
        }
        _ if symbolic && subtype == b"TrueType" => {
            symbolic_truetype(doc, descriptor).unwrap_or_else(default)
        }
        _ => default(),
    };
    if let Some(tu) = &to_unicode {
        for (code, slot) in text.iter_mut().enumerate() {
            if let Some(t) = tu.text(code as u32) {
                *slot = Some(t);
            }
        }
    }
    let widths = simple_widths(doc, dict, descriptor, stripped, &text);
    Simple { text, widths }
}

/// A symbolic TrueType font with no encoding: text from its glyph names when the program
/// has them; nothing when its codes name glyphs only (no Unicode cmap), since any text made
/// of them would be garbage; `None` to fall back to the standard encodings.
fn symbolic_truetype(doc: &Document, descriptor: Option<&Dict>) -> Option<CodeMap> {
    let file = doc.get(descriptor?, b"FontFile2");
    let program = doc.decode(file.as_stream()?).ok()?;
    if let Some(map) = truetype::symbolic_text(&program) {
        return Some(map);
    }
    truetype::codes_are_not_unicode(&program).then(|| vec![None; 256])
}

fn simple_widths(
    doc: &Document,
    dict: &Dict,
    descriptor: Option<&Dict>,
    base_font: &[u8],
    text: &CodeMap,
) -> Vec<f64> {
    let missing = descriptor
        .and_then(|d| d.get(b"MissingWidth"))
        .and_then(Object::as_f64);
    let std14 = standard14::table(base_font);
    let mut widths: Vec<f64> = (0..256)
        .map(|code| {
            std14
                .zip(text[code].as_deref())
                .and_then(|(t, s)| standard14::width(t, s))
                .or(missing)
                .unwrap_or(500.0)
        })
        .collect();
    let first = doc.get(dict, b"FirstChar").as_i64().unwrap_or(0).max(0) as usize;
    if let Some(w) = doc.get(dict, b"Widths").as_array() {
        for (i, v) in w.iter().enumerate() {
            if let Some(slot) = widths.get_mut(first + i) {
                *slot = doc.resolve(v).as_f64().unwrap_or(*slot);
            }
        }
    }
    widths
}
