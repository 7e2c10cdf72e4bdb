//! `pdftext FILE.pdf [OUT.txt]`: the kernel as a command, for benchmarks (one process per
//! file, like pdftotext) and for scoring the corpus. Pages end with a form feed.

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: pdftext FILE.pdf [OUT.txt]");
        std::process::exit(2);
    };
    let result = pdf::open_path(std::path::Path::new(path)).map_err(|e| e.message);
    let handle = match result {
        Ok(h) => h,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let mut out: Box<dyn Write> = match args.get(1) {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).expect("create output"),
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let n = handle.page_count();
    for text in handle.extractor().pages_text(0, n) {
        let _ = out.write_all(text.unwrap_or_default().as_bytes());
        let _ = out.write_all(b"\x0c");
    }
}
