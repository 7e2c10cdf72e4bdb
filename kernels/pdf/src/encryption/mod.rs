//! The standard security handler (R2–R6), opened with the empty user password or, failing
//! that, the empty owner password.

mod ciphers;
mod objects;

use crate::error::{encrypted, Result};
use crate::object::{Dict, Object};
use ciphers::{aes128_cbc_encrypt, aes_cbc_decrypt, rc4};
use md5::{Digest, Md5};
use sha2::{Sha256, Sha384, Sha512};

pub use objects::decrypt_object;

const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Method {
    Identity,
    Rc4,
    Aes,
}

pub struct Crypt {
    key: Vec<u8>,
    streams: Method,
    strings: Method,
    aes256: bool,
}

impl Crypt {
    /// Opens the handler described by the /Encrypt dictionary; `id0` is the first /ID string.
    pub fn open(dict: &Dict, id0: &[u8]) -> Result<Crypt> {
        if dict.name(b"Filter").is_some_and(|f| f != b"Standard") {
            return Err(encrypted("encrypted with a non-standard security handler"));
        }
        let int = |k: &[u8], d: i64| dict.get(k).and_then(Object::as_i64).unwrap_or(d);
        let bytes = |k: &[u8]| dict.get(k).and_then(Object::as_str).unwrap_or(&[]).to_vec();
        let (v, r) = (int(b"V", 0), int(b"R", 2));
        let (o, u) = (bytes(b"O"), bytes(b"U"));
        let p = int(b"P", 0) as i32;
        let (streams, strings) = methods(dict, v);
        if r >= 5 {
            let key = aes256_key(r, &o, &u, &bytes(b"OE"), &bytes(b"UE"))
                .ok_or_else(|| encrypted("encrypted: the empty password does not open it"))?;
            return Ok(Crypt {
                key,
                streams,
                strings,
                aes256: true,
            });
        }
        let len = if r == 2 {
            5
        } else {
            (int(b"Length", 40) / 8).clamp(5, 16) as usize
        };
        let meta = dict.get(b"EncryptMetadata") != Some(&Object::Bool(false));
        let ctx = Legacy {
            r,
            o: &o,
            u: &u,
            p,
            id0,
            len,
            meta,
        };
        let key = ctx
            .user_key(&[])
            .or_else(|| ctx.owner_to_user(&[]).and_then(|pw| ctx.user_key(&pw)))
            .ok_or_else(|| encrypted("encrypted: the empty password does not open it"))?;
        Ok(Crypt {
            key,
            streams,
            strings,
            aes256: false,
        })
    }

    pub fn decrypt(&self, num: u32, gen: u16, data: &[u8], stream: bool) -> Vec<u8> {
        let method = if stream { self.streams } else { self.strings };
        if method == Method::Identity {
            return data.to_vec();
        }
        if self.aes256 {
            return aes_cbc_decrypt(&self.key, data, true);
        }
        let mut h = Md5::new();
        h.update(&self.key);
        h.update(&num.to_le_bytes()[..3]);
        h.update(gen.to_le_bytes());
        if method == Method::Aes {
            h.update(b"sAlT");
        }
        let digest = h.finalize();
        let key = &digest[..(self.key.len() + 5).min(16)];
        match method {
            Method::Aes => aes_cbc_decrypt(key, data, true),
            _ => rc4(key, data),
        }
    }
}

fn methods(dict: &Dict, v: i64) -> (Method, Method) {
    if v < 4 {
        return (Method::Rc4, Method::Rc4);
    }
    let filters = dict.get(b"CF").and_then(Object::as_dict);
    let method_of = |name: Option<&[u8]>| {
        let name = name.unwrap_or(b"Identity");
        if name == b"Identity" {
            return Method::Identity;
        }
        let cfm = filters
            .and_then(|f| f.get(name))
            .and_then(Object::as_dict)
            .and_then(|d| d.name(b"CFM"));
        match cfm {
            Some(b"AESV2" | b"AESV3") => Method::Aes,
            Some(b"None") => Method::Identity,
            _ => Method::Rc4,
        }
    };
    (method_of(dict.name(b"StmF")), method_of(dict.name(b"StrF")))
}

struct Legacy<'a> {
    r: i64,
    o: &'a [u8],
    u: &'a [u8],
    p: i32,
    id0: &'a [u8],
    len: usize,
    meta: bool,
}

impl Legacy<'_> {
    fn padded(pw: &[u8]) -> [u8; 32] {
        let mut out = PAD;
        let n = pw.len().min(32);
        out[..n].copy_from_slice(&pw[..n]);
        out[n..].copy_from_slice(&PAD[..32 - n]);
        out
    }

    /// Algorithm 2 (file key) followed by the Algorithm 4/5 check against /U.
    fn user_key(&self, pw: &[u8]) -> Option<Vec<u8>> {
        let mut h = Md5::new();
        h.update(Self::padded(pw));
        h.update(self.o);
        h.update(self.p.to_le_bytes());
        h.update(self.id0);
        if self.r >= 4 && !self.meta {
            h.update([0xff; 4]);
        }
        let mut key = h.finalize().to_vec();
        if self.r >= 3 {
            for _ in 0..50 {
                key = Md5::digest(&key[..self.len]).to_vec();
            }
        }
        key.truncate(self.len);
        let ok = if self.r == 2 {
            rc4(&key, &PAD) == self.u.get(..32)?
        } else {
            let mut h = Md5::new();
            h.update(PAD);
            h.update(self.id0);
            let mut x = rc4(&key, &h.finalize());
            for i in 1..=19u8 {
                let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
                x = rc4(&k, &x);
            }
            x[..16] == *self.u.get(..16)?
        };
        ok.then_some(key)
    }

    /// Algorithm 7: recovers the user password from /O with the owner password.
    fn owner_to_user(&self, owner: &[u8]) -> Option<Vec<u8>> {
        let mut key = Md5::digest(Self::padded(owner)).to_vec();
        if self.r >= 3 {
            for _ in 0..50 {
                key = Md5::digest(&key).to_vec();
            }
        }
        key.truncate(self.len);
        let mut x = self.o.get(..32)?.to_vec();
        if self.r == 2 {
            return Some(rc4(&key, &x));
        }
        for i in (0..=19u8).rev() {
            let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
            x = rc4(&k, &x);
        }
        Some(x)
    }
}

/// Algorithms 2.A/11/12 for AES-256 (R5, R6) with empty passwords.
fn aes256_key(r: i64, o: &[u8], u: &[u8], oe: &[u8], ue: &[u8]) -> Option<Vec<u8>> {
    let (u, o) = (u.get(..48)?, o.get(..48)?);
    let unwrap = |intermediate: Vec<u8>, wrapped: &[u8]| {
        let mut data = vec![0u8; 16];
        data.extend_from_slice(wrapped.get(..32)?);
        Some(aes_cbc_decrypt(&intermediate, &data, false))
    };
    if hash(r, &[], &u[32..40], &[]) == u[..32] {
        return unwrap(hash(r, &[], &u[40..48], &[]), ue);
    }
    if hash(r, &[], &o[32..40], u) == o[..32] {
        return unwrap(hash(r, &[], &o[40..48], u), oe);
    }
    None
}

/// R5: SHA-256 of password + salt + user data. R6: Algorithm 2.B's iterated hash.
fn hash(r: i64, pw: &[u8], salt: &[u8], udata: &[u8]) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(pw);
    h.update(salt);
    h.update(udata);
    let mut k = h.finalize().to_vec();
    if r == 5 {
        return k;
    }
    let mut round = 0u32;
    loop {
        let mut k1 = Vec::with_capacity(64 * (pw.len() + k.len() + udata.len()));
        for _ in 0..64 {
            k1.extend_from_slice(pw);
            k1.extend_from_slice(&k);
            k1.extend_from_slice(udata);
        }
        let e = aes128_cbc_encrypt(&k[..16], &k[16..32], &k1);
        let sum: u32 = e[..16].iter().map(|&b| u32::from(b)).sum();
        k = match sum % 3 {
            0 => Sha256::digest(&e).to_vec(),
            1 => Sha384::digest(&e).to_vec(),
            _ => Sha512::digest(&e).to_vec(),
        };
        round += 1;
        let last = u32::from(*e.last().unwrap_or(&0));
        if round >= 64 && last <= round - 32 {
            break;
        }
    }
    k.truncate(32);
    k
}
