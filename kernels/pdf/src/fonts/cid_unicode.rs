//! CID → Unicode for the Adobe character collections, for CJK fonts that come without a
//! ToUnicode map. Tables are generated at build time (see build.rs); empty when the build
//! machine had no source for them.

mod tables {
    include!(concat!(env!("OUT_DIR"), "/cid_tables.rs"));
}

/// The table for a /CIDSystemInfo ordering, e.g. `GB1`.
pub fn table(ordering: &[u8]) -> Option<&'static [u8]> {
    let t: &'static [u8] = match ordering {
        b"GB1" => tables::GB1,
        b"CNS1" => tables::CNS1,
        b"Japan1" => tables::JAPAN1,
        b"Korea1" => tables::KOREA1,
        _ => return None,
    };
    (!t.is_empty()).then_some(t)
}

pub fn lookup(table: &[u8], cid: u32) -> Option<char> {
    let at = cid as usize * 4;
    let bytes: [u8; 4] = table.get(at..at + 4)?.try_into().ok()?;
    let cp = u32::from_le_bytes(bytes);
    (cp != 0).then(|| char::from_u32(cp)).flatten()
}

/// Which collections this build can map, for the kernel's info string.
pub fn available() -> String {
    let names: Vec<&str> = ["GB1", "CNS1", "Japan1", "Korea1"]
        .into_iter()
        .filter(|n| table(n.as_bytes()).is_some())
        .collect();
    if names.is_empty() {
        "no CJK tables".into()
    } else {
        format!("CJK {}", names.join("/"))
    }
}
