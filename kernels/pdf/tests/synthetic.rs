//! End-to-end extraction over small PDFs built in memory: text, spacing, recovery.

mod support;

fn text(bytes: Vec<u8>) -> String {
    let h = pdf::open(bytes).expect("opens");
    h.extractor().page_text(0).expect("extracts")
}

const HELLO: &str = "BT /F1 12 Tf 72 700 Td (Hello) Tj [-300 (W) 30 (orld) -1000 (again)] TJ 0 -14 Td (next line) Tj ET";

#[test]
fn words_lines_and_kerning() {
    assert_eq!(
        text(support::one_page(HELLO)),
        "Hello World again\nnext line\n"
    );
}

#[test]
fn character_spacing_taken_back_by_kerning_leaves_the_word_gaps() {
    // Tc 2 after every glyph, 200/1000 em kerned back inside words, not between them
    let content = "BT /F1 10 Tf 2 Tc 72 700 Td [(T) 200 (h) 200 (i) 200 (s) -50 (m) 200 (e)] TJ ET";
    assert_eq!(text(support::one_page(content)), "This me\n");
}

#[test]
fn junk_before_the_header_shifts_every_offset() {
    let mut bytes = b"garbage before the header\n".repeat(10);
    bytes.extend(support::one_page(HELLO));
    assert_eq!(text(bytes), "Hello World again\nnext line\n");
}

#[test]
fn a_lost_xref_is_rebuilt_by_scanning() {
    let bytes = support::one_page(HELLO);
    let cut = bytes.windows(4).position(|w| w == b"xref").unwrap();
    assert_eq!(
        text(bytes[..cut].to_vec()),
        "Hello World again\nnext line\n"
    );
}

#[test]
fn not_a_pdf_and_no_pages_are_errors() {
    let e = pdf::open(b"hello".to_vec()).err().unwrap();
    assert_eq!(e.status, ligero_abi::Status::Unsupported);
    let e = pdf::open(b"%PDF-1.3\n%%EOF\n".to_vec()).err().unwrap();
    assert_eq!(e.status, ligero_abi::Status::Damaged);
}

#[test]
fn a_file_opens_mapped_from_its_path() {
    let dir = std::env::temp_dir().join(format!("pdf-synthetic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (file, empty) = (dir.join("hello.pdf"), dir.join("empty.pdf"));
    std::fs::write(&file, support::one_page(HELLO)).expect("write");
    std::fs::write(&empty, b"").expect("write");
    let h = pdf::open_path(&file).expect("opens");
    std::fs::remove_file(&file).expect("remove"); // the mapping keeps the file
    let text = h.extractor().page_text(0).expect("extracts");
    assert_eq!(text, "Hello World again\nnext line\n");
    let e = pdf::open_path(&empty).err().unwrap();
    assert_eq!(e.status, ligero_abi::Status::Unsupported);
    let e = pdf::open_path(&dir.join("missing.pdf")).err().unwrap();
    assert_eq!(e.status, ligero_abi::Status::Io);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_reference_cycle_in_the_page_tree_terminates() {
    let bytes = support::build(&[
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 >>",
        "<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
    ]);
    assert!(pdf::open(bytes).is_err());
}

#[test]
fn a_zip_bomb_is_refused_not_inflated() {
    // text, then 64 MB of spaces (twice the decode limit): compressed to about 64 kB
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET\n")
        .unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..64 {
        z.write_all(&spaces).unwrap();
    }
    let bomb = z.finish().unwrap();
    let page =
        "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> >>";
    let built = support::build(&[
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Filter /FlateDecode >>\nstream\nBOMB\nendstream",
        page,
    ]);
    // the compressed bytes are binary: splice them in; recovery fixes the shifted offsets
    let at = built.windows(4).position(|w| w == b"BOMB").unwrap();
    let mut bytes = built[..at].to_vec();
    bytes.extend(&bomb);
    bytes.extend(&built[at + 4..]);
    let h = pdf::open(bytes).expect("opens");
    assert_eq!(h.extractor().page_text(0).unwrap(), "");
    // no text because of the budget: the binding reports too_large, not a scan
    assert!(!h.extractor().has_text_layer());
    assert!(h.extractor().over_budget());
}

#[test]
fn one_wrong_xref_offset_is_found_by_a_scan() {
    let mut bytes = support::one_page(HELLO);
    // point object 4 (the content stream) at object 3
    let xref = bytes.windows(6).position(|w| w == b"\nxref\n").unwrap() + 1;
    let rows: Vec<usize> = (0..6).map(|i| xref + 9 + 20 + i * 20).collect();
    let third: Vec<u8> = bytes[rows[2]..rows[2] + 10].to_vec();
    bytes[rows[3]..rows[3] + 10].copy_from_slice(&third);
    assert_eq!(text(bytes), "Hello World again\nnext line\n");
}
