//! Document metadata as a small JSON object for the binding.

use crate::extract::Extractor;
use crate::fonts::pdf_doc;

/// Decodes a PDF text string: UTF-16BE or UTF-8 with a BOM, else PDFDocEncoding.
pub fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from(c[0]) << 8 | u16::from(c[1]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    let table = pdf_doc();
    bytes
        .iter()
        .filter_map(|&b| char::from_u32(u32::from(table[usize::from(b)])))
        .filter(|&c| c != '\0')
        .collect()
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `{"pages":N,"encrypted":b,"repaired":b,"hasTextLayer":b,"overBudget":b,"title":"..",
/// "author":".."}`; overBudget: a page read while looking for text went over its decode budget.
pub fn json(ex: &Extractor) -> String {
    let doc = &ex.doc;
    let text = ex.has_text_layer();
    let mut out = format!(
        "{{\"pages\":{},\"encrypted\":{},\"repaired\":{},\"hasTextLayer\":{},\"overBudget\":{}",
        doc.pages.len(),
        doc.encrypted,
        doc.repaired,
        text,
        ex.over_budget()
    );
    let info = doc.get(doc.trailer(), b"Info");
    if let Some(d) = info.as_dict() {
        for (key, field) in [(&b"Title"[..], "title"), (b"Author", "author")] {
            if let Some(s) = doc.get(d, key).as_str().map(text_string) {
                let s = s.trim();
                if !s.is_empty() {
                    out.push_str(&format!(",\"{field}\":"));
                    json_string(&mut out, s);
                }
            }
        }
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_strings() {
        assert_eq!(super::text_string(b"\xfe\xff\x00A\x04\x10"), "AА");
        assert_eq!(super::text_string(b"caf\xe9"), "café");
    }
}
