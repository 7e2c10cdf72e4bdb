//! Bounded best-k collection: higher key first, then lower row first, so every path (and
//! every thread split) returns the same order.
//!
//! Candidates go into a buffer of about 2k; when it fills, `select_nth_unstable` keeps the
//! best k and their worst becomes the floor that later candidates must beat. After the first
//! few fills almost every row fails the floor test, so the scan costs one compare per row.

use std::cmp::Ordering;

/// A score type: f32 (NaN never offered, see `Top::offer`) or integer.
pub trait Key: Copy + Send {
    fn order(a: Self, b: Self) -> Ordering;
}

impl Key for f32 {
    #[inline(always)]
    fn order(a: f32, b: f32) -> Ordering {
        a.total_cmp(&b)
    }
}

impl Key for i32 {
    #[inline(always)]
    fn order(a: i32, b: i32) -> Ordering {
        a.cmp(&b)
    }
}

/// Best first: by key descending, then row ascending.
#[inline(always)]
fn rank<K: Key>(a: &(K, u32), b: &(K, u32)) -> Ordering {
    K::order(b.0, a.0).then(a.1.cmp(&b.1))
}

pub struct Top<K: Key> {
    k: usize,
    buf: Vec<(K, u32)>,
    floor: Option<(K, u32)>,
}

impl<K: Key> Top<K> {
    pub fn new(k: usize) -> Self {
        let cap = if k == 0 { 0 } else { (2 * k).max(k + 256) };
        Top {
            k,
            buf: Vec::with_capacity(cap),
            floor: None,
        }
    }

    /// Inlined into every scan loop: once the floor is set, nearly every row stops at this
    /// compare, and a call per row cost as much as the binary stage's popcounts.
    #[inline(always)]
    pub fn offer(&mut self, key: K, row: u32) {
        if let Some(floor) = self.floor {
            if rank(&(key, row), &floor) != Ordering::Less {
                return;
            }
        }
        self.admit(key, row);
    }

    /// Offers `keys[i]` for row `first + i`. Keys are first tested against the floor's key
    /// 64 at a time into a bit mask (a loop the compiler vectorizes), so the rows that go
    /// on to `offer` are the few that can enter.
    #[inline(always)]
    pub fn offer_block(&mut self, first: usize, keys: &[K]) {
        for (c, chunk) in keys.chunks(64).enumerate() {
            let base = first + 64 * c;
            let mut candidates = match self.floor {
                None => u64::MAX >> (64 - chunk.len()),
                Some((floor, _)) => chunk.iter().enumerate().fold(0u64, |m, (j, &key)| {
                    m | ((K::order(key, floor) != Ordering::Less) as u64) << j
                }),
            };
            while candidates != 0 {
                let j = candidates.trailing_zeros() as usize;
                self.offer(chunk[j], (base + j) as u32);
                candidates &= candidates - 1;
            }
        }
    }

    #[inline(never)]
    fn admit(&mut self, key: K, row: u32) {
        if self.k == 0 {
            return;
        }
        self.buf.push((key, row));
        if self.buf.len() == self.buf.capacity() {
            self.shrink();
        }
    }

    fn shrink(&mut self) {
        if self.buf.len() > self.k {
            self.buf.select_nth_unstable_by(self.k - 1, rank);
            self.buf.truncate(self.k);
        }
        if self.buf.len() == self.k {
            self.floor = self.buf.iter().copied().max_by(rank);
        }
    }

    /// Adds everything `other` collected.
    pub fn merge(&mut self, other: Top<K>) {
        for (key, row) in other.buf {
            self.offer(key, row);
        }
    }

    /// The best `k`, best first.
    pub fn finish(mut self) -> Vec<(K, u32)> {
        self.buf.sort_unstable_by(rank);
        self.buf.truncate(self.k);
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_best_with_lower_rows_winning_ties() {
        for k in [0usize, 1, 3, 10, 300, 1000] {
            let mut top = Top::new(k);
            let keys: Vec<i32> = (0..2000).map(|i| i * 7919 % 101).collect();
            for (row, &key) in keys.iter().enumerate() {
                top.offer(key, row as u32);
            }
            let mut want: Vec<(i32, u32)> = keys
                .iter()
                .enumerate()
                .map(|(r, &k)| (k, r as u32))
                .collect();
            want.sort_by(rank);
            want.truncate(k);
            assert_eq!(top.finish(), want, "k={k}");
            let mut blocks = Top::new(k);
            for (b, chunk) in keys.chunks(100).enumerate() {
                blocks.offer_block(100 * b, chunk);
            }
            assert_eq!(blocks.finish(), want, "blocks, k={k}");
        }
    }
}
