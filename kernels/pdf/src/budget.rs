//! A page's decode budget, and the one turn in the process for pages that decode a lot.
//!
//! Each page may decode `MAX_PAGE_DECODED` (content streams and forms together), but pages run
//! on every rayon thread and several documents may be open at once (an upload validated while
//! another is ingested): every thread holding a bomb's worth at once would multiply the bound
//! by the core count. So a page decodes its first `FREE_PAGE_DECODED` freely, and past that
//! waits for the single big-page turn, held until the page is done. Real pages rarely pass the
//! free share; one that does decodes its last stream a second time after the wait.

use crate::error::Result;
use crate::limits::{FREE_PAGE_DECODED, MAX_PAGE_DECODED};
use ligero_abi::Status;
use std::sync::{Mutex, MutexGuard, PoisonError};

static BIG_PAGE_TURN: Mutex<()> = Mutex::new(());

pub struct PageBudget {
    left: usize,
    turn: Option<MutexGuard<'static, ()>>,
}

impl PageBudget {
    pub fn new() -> Self {
        Self {
            left: MAX_PAGE_DECODED,
            turn: None,
        }
    }

    /// Runs `decode(limit)` (a stream decoded within `limit` bytes) on what the page has left;
    /// once the page is over its budget nothing decodes any more (a bomb, repeated or not).
    pub fn decode(&mut self, decode: impl Fn(usize) -> Result<Vec<u8>>) -> Result<Vec<u8>> {
        if self.turn.is_none() {
            let free = FREE_PAGE_DECODED.saturating_sub(MAX_PAGE_DECODED - self.left);
            match decode(free) {
                Err(e) if e.status == Status::LimitExceeded => {}
                small => return self.spend(small),
            }
            // a holder that panicked left nothing behind but its turn
            self.turn = Some(BIG_PAGE_TURN.lock().unwrap_or_else(PoisonError::into_inner));
        }
        let all = decode(self.left);
        self.spend(all)
    }

    /// Whether the page went over its budget (and so may lack text it has).
    pub fn spent(&self) -> bool {
        self.left == 0
    }

    fn spend(&mut self, decoded: Result<Vec<u8>>) -> Result<Vec<u8>> {
        match &decoded {
            Ok(bytes) => self.left -= bytes.len(),
            Err(e) if e.status == Status::LimitExceeded => self.left = 0,
            Err(_) => {}
        }
        decoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::too_large;
    use std::sync::mpsc;
    use std::time::Duration;

    /// A stream of `len` bytes decoded within `limit`.
    fn stream(len: usize) -> impl Fn(usize) -> Result<Vec<u8>> {
        move |limit| match len <= limit {
            true => Ok(vec![b' '; len]),
            false => Err(too_large("over")),
        }
    }

    #[test]
    fn small_pages_share_nothing_and_a_page_stops_at_its_budget() {
        let mut page = PageBudget::new();
        assert_eq!(page.decode(stream(1000)).unwrap().len(), 1000);
        assert!(page.turn.is_none());
        let big = MAX_PAGE_DECODED - 1000;
        assert_eq!(page.decode(stream(big)).unwrap().len(), big);
        assert!(page.turn.is_some());
        assert!(page.decode(stream(1)).is_err());
        assert!(page.spent());
        drop(page);
        let mut bomb = PageBudget::new();
        assert!(bomb.decode(stream(MAX_PAGE_DECODED + 1)).is_err());
        assert_eq!(bomb.decode(stream(0)).unwrap().len(), 0);
        assert!(bomb.decode(stream(1)).is_err()); // nothing decodes after a bomb
    }

    #[test]
    fn one_page_at_a_time_decodes_past_its_free_share() {
        let mut first = PageBudget::new();
        first.decode(stream(FREE_PAGE_DECODED + 1)).unwrap();
        let (done, waited) = mpsc::channel();
        let other = std::thread::spawn(move || {
            let mut small = PageBudget::new();
            small.decode(stream(FREE_PAGE_DECODED)).unwrap(); // within its share: no wait
            done.send("small").unwrap();
            small.decode(stream(1)).unwrap();
            done.send("big").unwrap();
        });
        assert_eq!(waited.recv_timeout(Duration::from_secs(5)), Ok("small"));
        assert!(waited.recv_timeout(Duration::from_millis(200)).is_err());
        drop(first);
        assert_eq!(waited.recv_timeout(Duration::from_secs(5)), Ok("big"));
        other.join().unwrap();
    }
}
