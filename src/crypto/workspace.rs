//! argon2's working memory, kept between password verifications.
//!
//! One verification at the default cost fills 19 MiB. Allocated fresh each time, that memory
//! comes back from the allocator zeroed by the kernel one page at a time (the allocator returns
//! freed memory to the OS at once): during sign-ins those page faults took 38 % of the server's
//! CPU against argon2's own 45 % (bench/README.md, 2026-12-02). So finished workspaces wait
//! here for the next verification, and are given back to the OS once no verification has run
//! for [`IDLE`]. At most one workspace per concurrent verification exists (`argon2_slots`: one
//! per core).

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use argon2::Block;

/// How long finished workspaces are kept without a verification.
const IDLE: Duration = Duration::from_secs(10);

/// Runs `f` on `blocks` blocks of memory, reused from an earlier call when one is free. The
/// blocks hold the previous computation's state: argon2 writes every block before it reads it.
pub fn with_blocks<R>(blocks: usize, f: impl FnOnce(&mut [Block]) -> R) -> R {
    static SHARED: OnceLock<Workspaces> = OnceLock::new();
    let shared = SHARED.get_or_init(|| {
        // Gives the memory back once verifications stop (a thread that wakes every IDLE).
        let _ = std::thread::Builder::new()
            .name("argon2-workspaces".into())
            .spawn(|| {
                loop {
                    std::thread::sleep(IDLE);
                    if let Some(w) = SHARED.get() {
                        w.trim_if_idle(Instant::now());
                    }
                }
            });
        Workspaces::default()
    });
    shared.with_blocks(blocks, f)
}

#[derive(Default)]
struct Workspaces(Mutex<Pool>);

#[derive(Default)]
struct Pool {
    free: Vec<Vec<Block>>,
    last_used: Option<Instant>,
}

impl Workspaces {
    fn lock(&self) -> MutexGuard<'_, Pool> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn with_blocks<R>(&self, blocks: usize, f: impl FnOnce(&mut [Block]) -> R) -> R {
        let reused = self.lock().free.pop().filter(|w| w.len() >= blocks);
        let mut workspace = reused.unwrap_or_else(|| vec![Block::default(); blocks]);
        let result = f(&mut workspace[..blocks]);
        let mut pool = self.lock();
        pool.free.push(workspace);
        pool.last_used = Some(Instant::now());
        result
    }

    /// Drops the free workspaces when no verification finished in the [`IDLE`] before `now`.
    fn trim_if_idle(&self, now: Instant) {
        let mut pool = self.lock();
        if pool
            .last_used
            .is_some_and(|t| now.saturating_duration_since(t) >= IDLE)
        {
            pool.free = Vec::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workspace_is_reused_and_given_back_once_idle() {
        let w = Workspaces::default();
        let first = w.with_blocks(8, |b| b.as_ptr());
        let again = w.with_blocks(8, |b| b.as_ptr());
        assert_eq!(first, again, "the same memory the second time");
        assert_eq!(w.with_blocks(4, |b| b.len()), 4, "a larger one serves");
        let last = w.lock().last_used.expect("used");
        w.trim_if_idle(last + IDLE / 2);
        assert_eq!(
            w.lock().free.len(),
            1,
            "kept while verifications may still come"
        );
        w.trim_if_idle(last + IDLE);
        assert!(
            w.lock().free.is_empty(),
            "given back after IDLE without one"
        );
    }
}
