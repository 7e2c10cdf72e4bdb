//! Huge pages for the big caller-owned buffers (f32 store, int8 codes, sign bits).
//!
//! A 1M × 384 store is 1.5 GB: with 4 KiB pages a scan crosses a page every 4 KiB, each a
//! TLB miss (a two-level walk inside a VM) and a stop for the hardware prefetcher. With
//! transparent huge pages in `madvise` mode (the common default) a buffer gets 2 MiB pages
//! only when asked; at 1M rows that cut the exact scan's CPU time by ~18 % and int8's by
//! ~9 % (docs/similarity.md). Advice is a hint: a kernel without THP just ignores it.

/// The 2 MiB-aligned part of `[start, start + len)`: only whole huge pages can be advised.
pub fn aligned_interior(start: usize, len: usize) -> Option<(usize, usize)> {
    const HUGE: usize = 2 << 20;
    let first = start.checked_add(HUGE - 1)? & !(HUGE - 1);
    let end = start.checked_add(len)? & !(HUGE - 1);
    (end > first).then_some((first, end - first))
}

#[cfg(target_os = "linux")]
mod os {
    extern "C" {
        fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: i32) -> i32;
    }
    const MADV_HUGEPAGE: i32 = 14;
    const MADV_COLLAPSE: i32 = 25;

    /// # Safety
    /// `[start, start + len)` must be mapped memory of this process (any protection).
    pub unsafe fn advise(start: usize, len: usize, collapse: bool) -> bool {
        let addr = start as *mut std::ffi::c_void;
        if madvise(addr, len, MADV_HUGEPAGE) != 0 {
            return false;
        }
        // best effort: fails harmlessly on kernels before 6.1 or when memory is short
        if collapse {
            madvise(addr, len, MADV_COLLAPSE);
        }
        true
    }
}

#[cfg(not(target_os = "linux"))]
mod os {
    pub unsafe fn advise(_start: usize, _len: usize, _collapse: bool) -> bool {
        false
    }
}

/// Asks for huge pages over the whole 2 MiB pages inside `[start, start + len)`; with
/// `collapse`, pages already resident are merged now instead of staying 4 KiB. Returns
/// whether the OS took the advice.
///
/// # Safety
/// `[start, start + len)` must be mapped memory of this process (reserved is enough).
pub unsafe fn advise(start: usize, len: usize, collapse: bool) -> bool {
    match aligned_interior(start, len) {
        Some((first, bytes)) => os::advise(first, bytes, collapse),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_huge_pages_are_advised() {
        const M: usize = 2 << 20;
        assert_eq!(aligned_interior(0, M), Some((0, M)));
        assert_eq!(aligned_interior(1, M), None);
        assert_eq!(aligned_interior(M - 5, 2 * M + 10), Some((M, 2 * M)));
        assert_eq!(aligned_interior(usize::MAX - 3, 10), None);
    }

    /// The `VmFlags` of the mapping holding `addr`, from /proc/self/smaps.
    fn vm_flags(addr: usize) -> Option<String> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").ok()?;
        let mut inside = false;
        for line in smaps.lines() {
            let range = line.split(' ').next().and_then(|r| r.split_once('-'));
            if let Some((a, b)) = range.filter(|_| !line.starts_with("VmFlags")) {
                if let (Ok(a), Ok(b)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16))
                {
                    inside = a <= addr && addr < b;
                    continue;
                }
            }
            if inside && line.starts_with("VmFlags:") {
                return Some(line.to_string());
            }
        }
        None
    }

    #[test]
    fn advised_memory_is_flagged_for_huge_pages_and_keeps_its_contents() {
        let thp = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled");
        let available = thp.is_ok_and(|t| !t.contains("[never]"));
        let buf: Vec<u8> = (0..8 << 20).map(|i| (i % 251) as u8).collect();
        let (start, len) = (buf.as_ptr() as usize, buf.len());
        let took = unsafe { advise(start, len, true) };
        assert!(buf.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
        if available {
            assert!(took);
            let (first, _) = aligned_interior(start, len).unwrap();
            let flags = vm_flags(first).expect("mapping in /proc/self/smaps");
            assert!(flags.split(' ').any(|f| f == "hg"), "{flags}");
        }
    }
}
