//! Buffers kept from one batch to the next, one set per thread. A batch's buffers are
//! megabytes; fresh ones come from the system as untouched pages, each costing a fault on
//! first use (measured at about a tenth of the stage's time), and whether the allocator
//! reuses a freed block instead depends on its history. Taken from here, every batch after
//! the first reuses the memory of the ones before.

use std::cell::RefCell;

/// At most this many buffers of each element type are kept per thread.
const KEPT: usize = 24;

/// An element type with a pool of its own.
pub trait Pooled: Copy + Default + 'static {
    /// Runs `f` on this thread's kept buffers of this type.
    fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<Self>>) -> R) -> R;
}

macro_rules! pooled {
    ($($t:ty),*) => {$(
        impl Pooled for $t {
            fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<Self>>) -> R) -> R {
                thread_local! {
                    static POOL: RefCell<Vec<Vec<$t>>> = const { RefCell::new(Vec::new()) };
                }
                POOL.with_borrow_mut(f)
            }
        }
    )*};
}

pooled!(f32, u8, i32);

/// An empty kept buffer for `len` values: the smallest that holds them, else the largest
/// (grown), else a new one.
fn take<T: Pooled>(len: usize) -> Vec<T> {
    let mut v = T::with_pool(|pool| {
        let fits = (0..pool.len())
            .filter(|&i| pool[i].capacity() >= len)
            .min_by_key(|&i| pool[i].capacity());
        let pick = fits.or_else(|| (0..pool.len()).max_by_key(|&i| pool[i].capacity()));
        pick.map(|i| pool.swap_remove(i)).unwrap_or_default()
    });
    v.clear();
    v.reserve(len);
    v
}

/// `len` zeros in a kept buffer.
pub fn zeros<T: Pooled>(len: usize) -> Vec<T> {
    let mut v = take(len);
    v.resize(len, T::default());
    v
}

/// `row` written `times` times over, in a kept buffer (no zeros written first).
pub fn repeated<T: Pooled>(row: &[T], times: usize) -> Vec<T> {
    let mut v = take(row.len() * times);
    for _ in 0..times {
        v.extend_from_slice(row);
    }
    v
}

/// Gives `v` back for the batches to come.
pub fn keep<T: Pooled>(v: Vec<T>) {
    if v.capacity() > 0 {
        T::with_pool(|pool| {
            if pool.len() < KEPT {
                pool.push(v);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_buffer_comes_back_as_zeros_of_the_length_asked() {
        let mut v = zeros::<f32>(1000);
        v.fill(7.0);
        let at = v.as_ptr();
        keep(v);
        let again = zeros::<f32>(600);
        assert_eq!(again.as_ptr(), at, "the kept buffer is reused");
        assert_eq!(again, vec![0.0; 600]);
        keep(again);
        let longer = zeros::<f32>(5000);
        assert_eq!(longer, vec![0.0; 5000]);
        keep(longer);
        assert_eq!(repeated(&[1.0f32, 2.0], 3), [1.0, 2.0, 1.0, 2.0, 1.0, 2.0]);
    }
}
