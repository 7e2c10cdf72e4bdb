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
    /// A key at least `k` rows are known to reach (see `with_bar`): until the floor is set,
    /// rows below it are skipped.
    bar: Option<K>,
}

impl<K: Key> Top<K> {
    pub fn new(k: usize) -> Self {
        let cap = if k == 0 { 0 } else { (2 * k).max(k + 256) };
        Top {
            k,
            buf: Vec::with_capacity(cap),
            floor: None,
            bar: None,
        }
    }

    /// A collector that skips rows whose key is below `bar` from the start. With a wide k
    /// the floor tightens slowly (a scan of 500k rows keeping 4 000 took the per-row path
    /// for ~40 % of its rows); a bar guessed from a sample skips most of them at once. The
    /// result is the same as without it as long as at least k offered rows reach the bar,
    /// which `full` tells afterwards.
    pub fn with_bar(k: usize, bar: Option<K>) -> Self {
        Top { bar, ..Top::new(k) }
    }

    /// Whether k rows were kept (with a bar: the bar was loose enough to be exact).
    pub fn full(&self) -> bool {
        self.buf.len() >= self.k
    }

    /// The worst key kept, once k rows are.
    pub fn kth_key(&self) -> Option<K> {
        self.full()
            .then(|| self.buf.iter().copied().max_by(rank).map(|(key, _)| key))
            .flatten()
    }

    /// Inlined into every scan loop: once the floor is set, nearly every row stops at this
    /// compare, and a call per row cost as much as the binary stage's popcounts.
    #[inline(always)]
    pub fn offer(&mut self, key: K, row: u32) {
        if let Some(floor) = self.floor {
            if rank(&(key, row), &floor) != Ordering::Less {
                return;
            }
        } else if let Some(bar) = self.bar {
            if K::order(key, bar) == Ordering::Less {
                return;
            }
        }
        self.admit(key, row);
    }

    /// Offers `keys[i]` for row `first + i`; `first` must come after every row offered
    /// before (scans go in row order), so a key equal to the floor's can never enter. Keys
    /// are tested against the floor's key 16 at a time with one branch-free OR (a loop the
    /// compiler vectorizes): once the floor is set, almost every group has no key above it
    /// and costs a few instructions. (Letting ties through sent Hamming distances, integers
    /// with many ties, down the per-row path in most groups.)
    #[inline(always)]
    pub fn offer_block(&mut self, first: usize, keys: &[K]) {
        for (c, group) in keys.chunks(16).enumerate() {
            let any = match (self.floor, self.bar) {
                (Some((floor, _)), _) => group.iter().fold(false, |any, &key| {
                    any | (K::order(key, floor) == Ordering::Greater)
                }),
                (None, Some(bar)) => group.iter().fold(false, |any, &key| {
                    any | (K::order(key, bar) != Ordering::Less)
                }),
                (None, None) => true,
            };
            if !any {
                continue;
            }
            for (j, &key) in group.iter().enumerate() {
                self.offer(key, (first + 16 * c + j) as u32);
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

    /// The best `k` in no particular order: for a stage whose next stage ranks them anew
    /// (sorting the cascade's 4 000 candidates cost ~10 % of its binary scan).
    pub fn finish_unordered(mut self) -> Vec<(K, u32)> {
        self.shrink();
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
            let mut unordered = blocks.finish_unordered();
            unordered.sort_by(rank);
            assert_eq!(unordered, want, "blocks, k={k}");
            // a bar the k-th best reaches changes nothing; a tighter one leaves it short
            if let Some(&(kth, _)) = want.last() {
                let mut barred = Top::with_bar(k, Some(kth));
                keys.chunks(100)
                    .enumerate()
                    .for_each(|(b, chunk)| barred.offer_block(100 * b, chunk));
                assert!(barred.full());
                assert_eq!(barred.finish(), want, "bar, k={k}");
                let mut tight = Top::with_bar(k, Some(kth + 1));
                keys.chunks(100)
                    .enumerate()
                    .for_each(|(b, chunk)| tight.offer_block(100 * b, chunk));
                assert_eq!(tight.full(), keys.iter().filter(|&&x| x > kth).count() >= k);
            }
        }
    }
}
