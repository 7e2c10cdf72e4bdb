//! RC4 and AES-CBC as the PDF standard security handler uses them.

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use aes::{Aes128, Aes256};

pub fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s: [u8; 256] = std::array::from_fn(|i| i as u8);
    if key.is_empty() {
        return data.to_vec();
    }
    let mut j = 0u8;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, usize::from(j));
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|&b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[usize::from(i)]);
            s.swap(usize::from(i), usize::from(j));
            b ^ s[usize::from(s[usize::from(i)].wrapping_add(s[usize::from(j)]))]
        })
        .collect()
}

enum AesKey {
    K128(Box<Aes128>),
    K256(Box<Aes256>),
}

impl AesKey {
    fn new(key: &[u8]) -> Option<Self> {
        match key.len() {
            16 => Some(Self::K128(Box::new(Aes128::new(GenericArray::from_slice(
                key,
            ))))),
            32 => Some(Self::K256(Box::new(Aes256::new(GenericArray::from_slice(
                key,
            ))))),
            _ => None,
        }
    }
}

/// CBC decryption with the IV in the first 16 bytes; PKCS#7 padding removed when valid.
pub fn aes_cbc_decrypt(key: &[u8], data: &[u8], with_padding: bool) -> Vec<u8> {
    let Some(k) = AesKey::new(key) else {
        return Vec::new();
    };
    if data.len() < 32 {
        return Vec::new();
    }
    let (iv, body) = data.split_at(16);
    let mut prev: [u8; 16] = iv.try_into().unwrap_or([0; 16]);
    let mut out = Vec::with_capacity(body.len());
    for chunk in body.chunks_exact(16) {
        let mut block = *GenericArray::from_slice(chunk);
        match &k {
            AesKey::K128(c) => c.decrypt_block(&mut block),
            AesKey::K256(c) => c.decrypt_block(&mut block),
        }
        for (b, p) in block.iter_mut().zip(prev) {
            *b ^= p;
        }
        out.extend_from_slice(&block);
        prev.copy_from_slice(chunk);
    }
    if with_padding {
        if let Some(&pad) = out.last() {
            let pad = usize::from(pad);
            if (1..=16).contains(&pad) && pad <= out.len() {
                out.truncate(out.len() - pad);
            }
        }
    }
    out
}

/// CBC encryption without padding (input is a multiple of 16), for the R6 key hash.
pub fn aes128_cbc_encrypt(key: &[u8], iv: &[u8], data: &[u8]) -> Vec<u8> {
    let cipher = Aes128::new(GenericArray::from_slice(&key[..16]));
    let mut prev: [u8; 16] = iv[..16].try_into().unwrap_or([0; 16]);
    let mut out = Vec::with_capacity(data.len());
    for chunk in data.chunks_exact(16) {
        let mut block = *GenericArray::from_slice(chunk);
        for (b, p) in block.iter_mut().zip(prev) {
            *b ^= p;
        }
        cipher.encrypt_block(&mut block);
        prev.copy_from_slice(&block);
        out.extend_from_slice(&block);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn rc4_known_vector() {
        // RFC 6229-style classic: key "Key", plaintext "Plaintext"
        let out = super::rc4(b"Key", b"Plaintext");
        assert_eq!(out, [0xBB, 0xF3, 0x16, 0xE8, 0xD9, 0x40, 0xAF, 0x0A, 0xD3]);
    }
}
