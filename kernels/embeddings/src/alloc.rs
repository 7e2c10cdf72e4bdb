//! The kernel's allocator: every block of [`DIRECT`] bytes or more gets its own anonymous
//! mapping, returned to the OS the moment it is freed; smaller blocks go to the system malloc.
//!
//! Why: glibc serves large blocks from the allocating thread's arena once its dynamic mmap
//! threshold has risen (to the largest block freed so far, up to 32 MiB), and `malloc_trim`
//! never shrinks the top of a non-main arena. The model is built and run on the rayon
//! workers, so closing it left 6–10 MiB of weights and scratch resident in their arenas.
//! With this, what the kernel frees leaves RSS whatever the host's malloc settings.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks this large are mapped directly (glibc's own default threshold).
const DIRECT: usize = 128 * 1024;
const PAGE: usize = 4096;

pub struct Allocator;

fn direct(size: usize, align: usize) -> bool {
    size >= DIRECT && align <= PAGE
}

fn mapped_len(size: usize) -> usize {
    size.next_multiple_of(PAGE)
}

unsafe fn map(size: usize) -> *mut u8 {
    let p = libc::mmap(
        std::ptr::null_mut(),
        mapped_len(size),
        libc::PROT_READ | libc::PROT_WRITE,
        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
        -1,
        0,
    );
    if p == libc::MAP_FAILED {
        std::ptr::null_mut()
    } else {
        p as *mut u8
    }
}

// SAFETY: direct blocks are page-aligned fresh mappings (zeroed by the kernel) of at least
// the requested size, unmapped with the same rounded length; the size/alignment test that
// routes a block is a function of its layout, which the GlobalAlloc contract passes back
// unchanged on dealloc (and as `new_size` after realloc).
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if direct(layout.size(), layout.align()) {
            map(layout.size())
        } else {
            System.alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if direct(layout.size(), layout.align()) {
            map(layout.size())
        } else {
            System.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if direct(layout.size(), layout.align()) {
            libc::munmap(ptr as *mut libc::c_void, mapped_len(layout.size()));
        } else {
            System.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let align = layout.align();
        match (direct(layout.size(), align), direct(new_size, align)) {
            (false, false) => System.realloc(ptr, layout, new_size),
            (true, true) => {
                let p = libc::mremap(
                    ptr as *mut libc::c_void,
                    mapped_len(layout.size()),
                    mapped_len(new_size),
                    libc::MREMAP_MAYMOVE,
                );
                if p == libc::MAP_FAILED {
                    std::ptr::null_mut()
                } else {
                    p as *mut u8
                }
            }
            _ => {
                let new = Layout::from_size_align_unchecked(new_size, align);
                let p = self.alloc(new);
                if !p.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                p
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn large_blocks_grow_shrink_and_keep_their_bytes() {
        let mut v: Vec<u32> = (0..1000).collect(); // small: malloc
        v.extend(1000..100_000); // crosses into a mapping
        v.extend(100_000..300_000); // mremap
        assert!(v.iter().enumerate().all(|(i, &x)| x == i as u32));
        v.truncate(10);
        v.shrink_to_fit(); // back to malloc
        assert_eq!(v, (0..10).collect::<Vec<u32>>());
        let zeroed = vec![0u64; 1 << 20];
        assert!(zeroed.iter().all(|&x| x == 0));
    }
}
