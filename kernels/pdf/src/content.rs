//! The content-stream interpreter: graphics and text state, text-showing operators and form
//! XObjects, reduced to positioned glyphs handed to the layout.

use crate::budget::PageBudget;
use crate::document::Document;
use crate::error::{too_large, Result};
use crate::fonts::Font;
use crate::layout::{Glyph, Layout};
use crate::lexer::{Lexer, Token};
use crate::limits::{MAX_INDIRECTION, MAX_OPS_PER_PAGE};
use crate::matrix::Matrix;
use crate::object::{Dict, Object};
use crate::parser::content_operand;
use memchr::memmem;
use std::sync::Arc;

/// Finds the font a resource dictionary names, through a cache shared by all pages.
pub trait FontSource {
    fn font(&self, doc: &Document, font: &Object) -> Option<Arc<Font>>;
    /// The font used when a name resolves to nothing.
    fn fallback(&self) -> Arc<Font>;
}

#[derive(Clone)]
struct TextState {
    ctm: Matrix,
    font: Option<Arc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

pub struct Interpreter<'a> {
    doc: &'a Document,
    fonts: &'a dyn FontSource,
    pub out: Layout,
    state: TextState,
    stack: Vec<TextState>,
    tm: Matrix,
    tlm: Matrix,
    ops: usize,
    /// What forms may still decode on this page, after its content streams.
    pub budget: PageBudget,
}

impl<'a> Interpreter<'a> {
    pub fn new(doc: &'a Document, fonts: &'a dyn FontSource) -> Self {
        let state = TextState {
            ctm: Matrix::IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        Self {
            doc,
            fonts,
            out: Layout::default(),
            state,
            stack: Vec::new(),
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
            ops: 0,
            budget: PageBudget::new(),
        }
    }

    pub fn run(&mut self, content: &[u8], resources: &Dict, depth: usize) -> Result<()> {
        let mut lx = Lexer::new(content, 0);
        let mut operands: Vec<Object> = Vec::with_capacity(8);
        loop {
            let op = match lx.next_token() {
                Token::Eof => break,
                Token::Keyword(k) if !matches!(k, b"true" | b"false" | b"null") => k,
                Token::Junk(_) | Token::ArrayEnd | Token::DictEnd => continue,
                tok => {
                    if let Some(o) = content_operand(&mut lx, tok) {
                        if operands.len() < 64 {
                            operands.push(o);
                        }
                    }
                    continue;
                }
            };
            self.ops += 1;
            if self.ops > MAX_OPS_PER_PAGE {
                return Err(too_large("page has too many content operators"));
            }
            if op == b"BI" {
                skip_inline_image(&mut lx);
            } else {
                self.operator(op, &operands, resources, depth)?;
            }
            operands.clear();
        }
        Ok(())
    }

    fn operator(
        &mut self,
        op: &[u8],
        args: &[Object],
        resources: &Dict,
        depth: usize,
    ) -> Result<()> {
        let num = |i: usize| args.get(i).and_then(Object::as_f64).unwrap_or(0.0);
        let nums = || args.iter().filter_map(Object::as_f64).collect::<Vec<_>>();
        match op {
            b"q" if self.stack.len() < 256 => self.stack.push(self.state.clone()),
            b"Q" => {
                if let Some(s) = self.stack.pop() {
                    self.state = s;
                }
            }
            b"cm" if args.len() >= 6 => {
                self.state.ctm = Matrix::from_operands(&nums()).then(&self.state.ctm)
            }
            b"BT" => {
                self.tm = Matrix::IDENTITY;
                self.tlm = Matrix::IDENTITY;
            }
            b"Tf" => {
                self.state.size = num(1);
                let font = args.first().and_then(Object::as_name).and_then(|name| {
                    let fonts = self.doc.get(resources, b"Font");
                    let entry = fonts.as_dict()?.get(name)?.clone();
                    self.fonts.font(self.doc, &entry)
                });
                self.state.font = Some(font.unwrap_or_else(|| self.fonts.fallback()));
            }
            b"Tc" => self.state.char_spacing = num(0),
            b"Tw" => self.state.word_spacing = num(0),
            b"Tz" => self.state.scale = num(0) / 100.0,
            b"TL" => self.state.leading = num(0),
            b"Ts" => self.state.rise = num(0),
            b"Td" => self.move_line(num(0), num(1)),
            b"TD" => {
                self.state.leading = -num(1);
                self.move_line(num(0), num(1));
            }
            b"Tm" if args.len() >= 6 => {
                self.tm = Matrix::from_operands(&nums());
                self.tlm = self.tm;
            }
            b"T*" => self.move_line(0.0, -self.state.leading),
            b"Tj" => self.show(args.first()),
            b"'" => {
                self.move_line(0.0, -self.state.leading);
                self.show(args.first());
            }
            b"\"" => {
                self.state.word_spacing = num(0);
                self.state.char_spacing = num(1);
                self.move_line(0.0, -self.state.leading);
                self.show(args.get(2));
            }
            b"TJ" => {
                for item in args.first().and_then(Object::as_array).unwrap_or(&[]) {
                    match item {
                        Object::Str(_) => self.show(Some(item)),
                        other => {
                            let adj = other.as_f64().unwrap_or(0.0);
                            let tx = -adj / 1000.0 * self.state.size * self.state.scale;
                            self.tm = Matrix::translate(tx, 0.0).then(&self.tm);
                        }
                    }
                }
            }
            b"Do" if depth < MAX_INDIRECTION => {
                if let Some(name) = args.first().and_then(Object::as_name) {
                    self.form(name, resources, depth)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn move_line(&mut self, tx: f64, ty: f64) {
        self.tlm = Matrix::translate(tx, ty).then(&self.tlm);
        self.tm = self.tlm;
    }

    fn show(&mut self, s: Option<&Object>) {
        let (Some(Object::Str(bytes)), Some(font)) = (s, self.state.font.clone()) else {
            return;
        };
        let st = &self.state;
        let (size, th) = (st.size, st.scale);
        let m = self.tm.then(&st.ctm);
        let (dx, dy) = (m.0[0], m.0[1]);
        let norm = (dx * dx + dy * dy).sqrt();
        if norm == 0.0 || !norm.is_finite() {
            return;
        }
        let (ux, uy) = (dx / norm, dy / norm);
        let vsize = (m.0[2] * m.0[2] + m.0[3] * m.0[3]).sqrt() * size.abs();
        let (tc, tw, rise) = (st.char_spacing, st.word_spacing, st.rise);
        let mut tm = self.tm;
        let ctm = st.ctm;
        let out = &mut self.out;
        font.decode(bytes, |text, w, is_space| {
            let advance = (w * size + tc + if is_space { tw } else { 0.0 }) * th;
            let full = tm.then(&ctm);
            let (x0, y0) = full.apply(0.0, rise);
            // the glyph alone: character spacing is part of the gap after it, as in pdftotext
            let (x1, y1) = full.apply(w * size * th, rise);
            let u0 = x0 * ux + y0 * uy;
            let u1 = x1 * ux + y1 * uy;
            let v = -x0 * uy + y0 * ux;
            out.push(
                Glyph {
                    u: u0,
                    end: u1,
                    v,
                    size: vsize,
                    dir: (ux, uy),
                },
                text,
            );
            tm = Matrix::translate(advance, 0.0).then(&tm);
        });
        self.tm = tm;
    }

    fn form(&mut self, name: &[u8], resources: &Dict, depth: usize) -> Result<()> {
        let xobjects = self.doc.get(resources, b"XObject");
        let Some(entry) = xobjects.as_dict().and_then(|d| d.get(name)) else {
            return Ok(());
        };
        let obj = self.doc.resolve(entry);
        let Some(stream) = obj.as_stream() else {
            return Ok(());
        };
        if stream.dict.name(b"Subtype") != Some(b"Form") {
            return Ok(());
        }
        // every form drawn counts, also one drawn again: nested or repeated bombs stop here
        let doc = self.doc;
        let Ok(content) = self.budget.decode(|limit| doc.decode_within(stream, limit)) else {
            return Ok(());
        };
        let own = self.doc.get(&stream.dict, b"Resources");
        let res = own.as_dict().unwrap_or(resources).clone();
        let saved = (self.state.clone(), self.tm, self.tlm);
        if let Some(m) = self.doc.get(&stream.dict, b"Matrix").as_array() {
            let v: Vec<f64> = m.iter().filter_map(Object::as_f64).collect();
            if v.len() == 6 {
                self.state.ctm = Matrix::from_operands(&v).then(&self.state.ctm);
            }
        }
        let result = self.run(&content, &res, depth + 1);
        (self.state, self.tm, self.tlm) = saved;
        result
    }
}

/// Skips `BI <dict> ID <data> EI`: the data is binary, so the end is found by searching
/// for `EI` between whitespace.
fn skip_inline_image(lx: &mut Lexer) {
    let data = lx.data;
    let Some(id) = memmem::find(&data[lx.pos..], b"ID") else {
        lx.pos = data.len();
        return;
    };
    let mut at = lx.pos + id + 3;
    while let Some(i) = memmem::find(&data[at.min(data.len())..], b"EI") {
        let p = at + i;
        let before = p == 0 || crate::lexer::is_white(data[p - 1]);
        let after = data.get(p + 2).is_none_or(|&c| crate::lexer::is_white(c));
        if before && after {
            lx.pos = p + 2;
            return;
        }
        at = p + 2;
    }
    lx.pos = data.len();
}
