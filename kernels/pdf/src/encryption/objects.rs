//! The security handler applied to a parsed object: every string and stream in it, except
//! the data of an XRef stream, which is never encrypted.

use super::Crypt;
use crate::object::{Dict, Object, Stream};
use std::sync::Arc;

pub fn decrypt_object(c: &Crypt, num: u32, gen: u16, obj: Object, depth: usize) -> Object {
    if depth > crate::limits::MAX_DEPTH {
        return obj;
    }
    match obj {
        Object::Str(s) => Object::Str(c.decrypt(num, gen, &s, false)),
        Object::Array(a) => Object::Array(
            a.into_iter()
                .map(|o| decrypt_object(c, num, gen, o, depth + 1))
                .collect(),
        ),
        Object::Dict(d) => Object::Dict(decrypt_dict(c, num, gen, d, depth)),
        Object::Stream(s) => {
            let Stream { dict, raw } = Arc::unwrap_or_clone(s);
            let is_xref = dict.name(b"Type") == Some(b"XRef");
            let raw = if is_xref {
                raw
            } else {
                c.decrypt(num, gen, &raw, true)
            };
            Object::Stream(Arc::new(Stream {
                dict: decrypt_dict(c, num, gen, dict, depth),
                raw,
            }))
        }
        other => other,
    }
}

fn decrypt_dict(c: &Crypt, num: u32, gen: u16, d: Dict, depth: usize) -> Dict {
    Dict(
        d.0.into_iter()
            .map(|(k, v)| (k, decrypt_object(c, num, gen, v, depth + 1)))
            .collect(),
    )
}
