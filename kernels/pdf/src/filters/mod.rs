//! Stream filters. Text extraction only needs the general-purpose ones; image codecs
//! (DCT, JPX, CCITT, JBIG2) are reported as unsupported and their streams skipped.

pub(crate) mod ascii;
mod flate;
mod lzw;
mod predictor;
mod runlength;

use crate::error::{damaged, too_large, Result};
use crate::limits::MAX_DECODED;
use crate::object::{Dict, Object};

/// Decodes `raw` through the stream's /Filter chain. `resolve` turns indirect
/// /DecodeParms entries into direct objects.
pub fn decode(raw: &[u8], dict: &Dict, resolve: &dyn Fn(&Object) -> Object) -> Result<Vec<u8>> {
    decode_within(raw, dict, resolve, MAX_DECODED)
}

/// [`decode`], refusing (too_large) a stream that decodes to more than `limit` bytes, with
/// no filter's buffer growing much past it: what a page has left of its budget.
pub fn decode_within(
    raw: &[u8],
    dict: &Dict,
    resolve: &dyn Fn(&Object) -> Object,
    limit: usize,
) -> Result<Vec<u8>> {
    let limit = limit.min(MAX_DECODED);
    let filters = match resolve(dict.get(b"Filter").unwrap_or(&Object::Null)) {
        Object::Name(n) => vec![n],
        Object::Array(a) => a
            .iter()
            .filter_map(|o| resolve(o).as_name().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    };
    let parms = match resolve(
        dict.get(b"DecodeParms")
            .or(dict.get(b"DP"))
            .unwrap_or(&Object::Null),
    ) {
        Object::Array(a) => a.iter().map(resolve).collect(),
        o => vec![o],
    };
    let mut data: Option<Vec<u8>> = None;
    for (i, filter) in filters.iter().enumerate() {
        let input = data.as_deref().unwrap_or(raw);
        let parm = parms
            .get(i)
            .and_then(Object::as_dict)
            .cloned()
            .unwrap_or_default();
        let out = match filter.as_slice() {
            b"FlateDecode" | b"Fl" => {
                predictor::apply(flate::decode(input, limit)?, &parm, resolve)?
            }
            b"LZWDecode" | b"LZW" => {
                let early = parm
                    .get(b"EarlyChange")
                    .and_then(Object::as_i64)
                    .unwrap_or(1)
                    != 0;
                predictor::apply(lzw::decode(input, early, limit)?, &parm, resolve)?
            }
            b"ASCIIHexDecode" | b"AHx" => ascii::hex(input),
            b"ASCII85Decode" | b"A85" => ascii::base85(input, limit)?,
            b"RunLengthDecode" | b"RL" => runlength::decode(input, limit)?,
            b"Crypt" => input.to_vec(),
            other => {
                return Err(damaged(format!(
                    "unsupported filter {}",
                    String::from_utf8_lossy(other)
                )))
            }
        };
        data = Some(out);
    }
    let out = data.unwrap_or_else(|| raw.to_vec());
    check_size(out.len(), limit)?;
    Ok(out)
}

/// Grows a decode buffer, refusing past the decoded-size limit.
pub(crate) fn check_size(len: usize, limit: usize) -> Result<()> {
    if len > limit {
        return Err(too_large(format!(
            "a stream decodes to more than {limit} bytes"
        )));
    }
    Ok(())
}
