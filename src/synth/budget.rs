//! One budget for the voice output held in memory at once, across every worker.
//!
//! Why: each worker reads its voice's answer into memory, up to
//! [`limits::MAX_VOICE_OUTPUT_BYTES`]; with a runaway voice every worker reaches that cap
//! at once, and `-j 16` multiplied it past the machine's memory. So an answer may grow
//! freely only to [`limits::VOICE_OUTPUT_SMALL_BYTES`], drawn from a shared pool of
//! [`limits::VOICE_OUTPUT_POOL_BYTES`]; beyond that it needs one of
//! [`limits::VOICE_OUTPUT_LARGE_SLOTS`] large places, each good up to the per-sentence cap.
//! The voice output in memory is then at most `POOL + SLOTS × cap`, whatever `-j` is.
//!
//! A worker that finds the budget spent waits (its voice then waits on a full pipe, and
//! its timeout still runs). No wait can last for ever: a holder of a large place never
//! waits, so it ends and frees its place; and a waiter takes any free large place, not
//! only pool bytes, so waiters never wait on each other.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::limits;

/// How long a waiter sleeps before it looks at its cancel flag again.
const RECHECK: Duration = Duration::from_millis(50);

/// What is left of a budget.
#[derive(Debug)]
struct Free {
    /// Pool bytes not held by any answer.
    pool: u64,
    /// Large places not held.
    large: usize,
}

/// A budget of memory for voice answers (see the module documentation).
#[derive(Debug)]
pub struct Budget {
    free: Mutex<Free>,
    changed: Condvar,
    /// How far an answer grows on pool bytes alone.
    small: u64,
}

/// The share of a [`Budget`] one answer holds; given back when dropped.
#[derive(Debug)]
pub struct Hold<'a> {
    budget: &'a Budget,
    pool: u64,
    large: bool,
}

impl Budget {
    /// A budget of `pool` bytes for answers up to `small` bytes, and `large` places for
    /// bigger ones.
    pub const fn new(pool: u64, small: u64, large: usize) -> Budget {
        Budget {
            free: Mutex::new(Free { pool, large }),
            changed: Condvar::new(),
            small,
        }
    }

    /// The budget every voice answer of this process draws on.
    pub fn global() -> &'static Budget {
        static GLOBAL: Budget = Budget::new(
            limits::VOICE_OUTPUT_POOL_BYTES,
            limits::VOICE_OUTPUT_SMALL_BYTES,
            limits::VOICE_OUTPUT_LARGE_SLOTS,
        );
        &GLOBAL
    }

    /// An empty share, to grow with [`Hold::grow_to`].
    pub fn hold(&self) -> Hold<'_> {
        Hold {
            budget: self,
            pool: 0,
            large: false,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Free> {
        // A worker that panicked while holding the lock left the counts consistent (each
        // change is one statement), so the poison is ignored.
        self.free.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Hold<'_> {
    /// Makes this share good for `total` bytes, waiting while the budget is spent.
    /// Returns `false`, holding what it held, if `cancel` is raised while it waits.
    pub fn grow_to(&mut self, total: u64, cancel: &AtomicBool) -> bool {
        if self.large {
            return true;
        }
        let budget = self.budget;
        let mut free = budget.lock();
        loop {
            if total <= budget.small {
                let need = total.saturating_sub(self.pool);
                if free.pool >= need {
                    free.pool -= need;
                    self.pool += need;
                    return true;
                }
            }
            if free.large > 0 {
                // A large place covers the whole answer: the pool bytes go back.
                free.large -= 1;
                free.pool += self.pool;
                self.pool = 0;
                self.large = true;
                budget.changed.notify_all();
                return true;
            }
            if cancel.load(Ordering::Relaxed) {
                return false;
            }
            free = match budget.changed.wait_timeout(free, RECHECK) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
    }
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        if self.pool == 0 && !self.large {
            return;
        }
        let mut free = self.budget.lock();
        free.pool += self.pool;
        if self.large {
            free.large += 1;
        }
        self.budget.changed.notify_all();
    }
}

/// First size of the buffer an answer is read into; it doubles from there, never past
/// what the answer may hold.
const FIRST_CHUNK: usize = 64 * 1024;

/// How [`read_within`] ended.
#[derive(Debug)]
pub enum Answer<'a> {
    /// The whole answer, and the share of the budget it holds (keep it while the bytes
    /// or their decoding live).
    Done(Vec<u8>, Hold<'a>),
    /// More than the cap: reading stopped there.
    TooMuch,
    /// `cancel` was raised while waiting for budget.
    Cancelled,
    /// Reading failed after these bytes (kept, with their share, for a caller that takes
    /// what came, as from a pipe whose writer died).
    Failed(std::io::Error, Vec<u8>, Hold<'a>),
}

/// Reads `input` to its end, at most `cap` bytes, in a buffer that grows (doubling, never
/// past `cap`) only as far as `budget` grants.
pub fn read_within<'a>(
    input: &mut dyn std::io::Read,
    budget: &'a Budget,
    cap: u64,
    cancel: &AtomicBool,
) -> Answer<'a> {
    let mut hold = budget.hold();
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; FIRST_CHUNK];
    loop {
        let n = match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Answer::Failed(e, buf, hold),
        };
        if (buf.len() + n) as u64 > cap {
            return Answer::TooMuch;
        }
        if buf.len() + n > buf.capacity() {
            // Double, but never past the cap, and only on budget granted.
            let want = ((buf.capacity() as u64 * 2).max((buf.len() + n) as u64)).min(cap);
            if !hold.grow_to(want.max(FIRST_CHUNK as u64), cancel) {
                return Answer::Cancelled;
            }
            buf.reserve_exact(want as usize - buf.len());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Answer::Done(buf, hold)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn small_answers_share_the_pool_and_large_ones_take_places() {
        let b = Budget::new(100, 60, 1);
        let never = AtomicBool::new(false);
        let mut a = b.hold();
        assert!(a.grow_to(50, &never));
        let mut c = b.hold();
        // 50 + 40 > 100 would not fit... but 50 + 50 does.
        assert!(c.grow_to(50, &never));
        // Beyond `small`, a large place; c's pool bytes go back.
        assert!(c.grow_to(1000, &never));
        assert!(c.large && c.pool == 0);
        let cancel = AtomicBool::new(true);
        let mut d = b.hold();
        // The only large place is taken and the pool is short: d waits, then gives up.
        assert!(!d.grow_to(70, &cancel));
        drop(c);
        assert!(d.grow_to(70, &never), "the freed large place serves it");
        drop(a);
        drop(d);
        let free = b.lock();
        assert_eq!((free.pool, free.large), (100, 1), "everything came back");
    }

    #[test]
    fn reads_stop_at_the_cap_with_a_buffer_no_larger() {
        let b = Budget::new(1 << 20, 1 << 16, 1);
        let never = AtomicBool::new(false);
        let data = vec![7u8; 300_000];
        match read_within(&mut &data[..], &b, 300_000, &never) {
            Answer::Done(v, hold) => {
                assert_eq!(v, data);
                assert!(v.capacity() <= 300_000, "{}", v.capacity());
                assert!(hold.large);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read_within(&mut &data[..], &b, 299_999, &never),
            Answer::TooMuch
        ));
        assert_eq!(b.lock().large, 1, "the place came back");
    }

    #[test]
    fn waiters_never_deadlock() {
        // Many workers growing to well over the pool, with one large place: each gets
        // there in turn.
        let b = Arc::new(Budget::new(64, 16, 1));
        let done: Vec<_> = (0..8)
            .map(|_| {
                let b = b.clone();
                std::thread::spawn(move || {
                    let never = AtomicBool::new(false);
                    let mut h = b.hold();
                    for total in (1..=200).map(|k| k * 2) {
                        assert!(h.grow_to(total, &never));
                    }
                })
            })
            .collect();
        for t in done {
            t.join().unwrap();
        }
        let free = b.lock();
        assert_eq!((free.pool, free.large), (64, 1));
    }
}
