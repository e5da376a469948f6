//! Work spread over the machine's cores, for the stages of a scan that are many independent
//! pieces (REST APIs while loading, a rule in a region while evaluating, blocks of results
//! while writing).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

/// How many threads to spread work over.
pub fn available() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Below this many items, work stays on the calling thread: a thread would cost more.
const SMALL: usize = 64;

/// `work` on every item, on every core, in no particular order; the sum of what it returns.
pub fn sum_each_mut<T: Send>(items: &mut [T], work: impl Fn(&mut T) -> usize + Sync) -> usize {
    let workers = available();
    if items.len() < SMALL || workers == 1 {
        return items.iter_mut().map(work).sum();
    }
    let per_worker = items.len().div_ceil(workers);
    std::thread::scope(|s| {
        let mut parts = items.chunks_mut(per_worker);
        let mine = parts.next().expect("at least SMALL items");
        let helpers: Vec<_> = parts
            .map(|part| s.spawn(|| part.iter_mut().map(&work).sum::<usize>()))
            .collect();
        let mut sum: usize = mine.iter_mut().map(&work).sum();
        for h in helpers {
            sum += h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        }
        sum
    })
}

/// `work` on every item, on every core, its results in the order of `items`. Workers take
/// `block` items at a time, so items of uneven cost even out.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    block: usize,
    work: impl Fn(usize, &T) -> R + Sync,
) -> Vec<R> {
    let workers = available().min(items.len().div_ceil(block.max(1)));
    if workers <= 1 {
        return items.iter().enumerate().map(|(i, x)| work(i, x)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let take = || {
        let mut mine = Vec::new();
        loop {
            let start = block * next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(part) = items.get(start..(start + block).min(items.len())) else {
                break;
            };
            if part.is_empty() {
                break;
            }
            let done: Vec<R> = (part.iter().enumerate())
                .map(|(i, x)| work(start + i, x))
                .collect();
            mine.push((start, done));
        }
        mine
    };
    let mut parts = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..workers).map(|_| s.spawn(take)).collect();
        let mut parts = take();
        for h in helpers {
            // A panic in `work` is a bug: raised again as the panic it is.
            parts.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        parts
    });
    parts.sort_by_key(|(start, _)| *start);
    parts.into_iter().flat_map(|(_, done)| done).collect()
}

/// `make` on every block of `items`, on every core, and `take` on what it made, on the calling
/// thread, block after block in order, each as soon as it and those before it are made; for
/// output that is built in parallel and written in order. `take` returns `false` to stop: no
/// block after it is taken, and the workers start no other block. The first error of `make`,
/// in block order, stops the same way and is returned; a panic in `make` is raised again on
/// the calling thread. A worker needs a free `R` to start a block and `take` hands it back, so
/// at most `workers + 2` are made at once (buffers are reused, and memory stays bounded
/// however many blocks there are).
pub fn in_order<T: Sync, R: Default + Send, E: Send>(
    items: &[T],
    block: usize,
    make: impl Fn(&[T], &mut R) -> Result<(), E> + Sync,
    take: impl FnMut(&mut R) -> bool,
) -> Result<(), E> {
    in_order_on(available(), items, block, make, take)
}

fn in_order_on<T: Sync, R: Default + Send, E: Send>(
    workers: usize,
    items: &[T],
    block: usize,
    make: impl Fn(&[T], &mut R) -> Result<(), E> + Sync,
    mut take: impl FnMut(&mut R) -> bool,
) -> Result<(), E> {
    let blocks: Vec<&[T]> = items.chunks(block.max(1)).collect();
    let workers = workers.min(blocks.len());
    if workers <= 1 {
        let mut made = R::default();
        for block in blocks {
            make(block, &mut made)?;
            if !take(&mut made) {
                break;
            }
        }
        return Ok(());
    }
    type Made<R, E> = std::thread::Result<Result<R, E>>;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (free_tx, free_rx) = mpsc::channel::<R>();
    let free_rx = Mutex::new(free_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Made<R, E>)>();
    let ended = std::thread::scope(|s| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (free_rx, next, stop, blocks, make) = (&free_rx, &next, &stop, &blocks, &make);
            s.spawn(move || loop {
                // Taken before the block: the first block not yet taken always has one.
                let Ok(Ok(mut made)) = free_rx.lock().map(|rx| rx.recv()) else {
                    break;
                };
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(block) = blocks.get(i).filter(|_| !stop.load(Ordering::Relaxed)) else {
                    break;
                };
                // Caught, so the calling thread learns of it instead of waiting for the block.
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    make(block, &mut made).map(|()| made)
                }));
                if done_tx.send((i, result)).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        // Owns the channels' ends the workers wait on: returning ends them.
        let take_in_order = move || -> Made<(), E> {
            for _ in 0..workers + 2 {
                let _ = free_tx.send(R::default());
            }
            let mut pending = std::collections::BTreeMap::new();
            let mut wanted = 0;
            for (i, made) in done_rx {
                pending.insert(i, made);
                while let Some(made) = pending.remove(&wanted) {
                    let mut made = match made {
                        Ok(Ok(made)) => made,
                        Ok(Err(e)) => return Ok(Err(e)),
                        Err(panic) => return Err(panic),
                    };
                    if !take(&mut made) {
                        return Ok(Ok(()));
                    }
                    let _ = free_tx.send(made);
                    wanted += 1;
                }
            }
            Ok(Ok(()))
        };
        let ended = take_in_order();
        stop.store(true, Ordering::Relaxed);
        ended
    });
    ended.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_in_the_order_of_the_items() {
        for (len, block) in [(0, 1), (1, 1), (5, 1), (100, 7), (1000, 32)] {
            let items: Vec<usize> = (0..len).collect();
            let out = super::map(&items, block, |i, &x| {
                assert_eq!(i, x);
                x * 3
            });
            assert_eq!(out, items.iter().map(|x| x * 3).collect::<Vec<_>>());
        }
    }

    /// Blocks are taken in order, each once, whatever the block size and the number of
    /// workers (one: the calling thread alone); at most `workers + 2` are made and not yet
    /// taken; and taking can stop at any block, after which few others are made.
    #[test]
    fn blocks_are_taken_in_order_and_taking_can_stop() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        for workers in [1, 2, 4] {
            for (len, block) in [(0, 4), (1, 4), (5, 1), (100, 7), (1000, 8), (1000, 2000)] {
                let items: Vec<usize> = (0..len).collect();
                for stop_after in [None, Some(0), Some(3)] {
                    let case = format!("{workers} workers, {len}/{block}, stop {stop_after:?}");
                    let (held, most, makes): (AtomicUsize, AtomicUsize, AtomicUsize) =
                        Default::default();
                    let mut seen = Vec::new();
                    let mut taken = 0;
                    let done = super::in_order_on(
                        workers,
                        &items,
                        block,
                        |part: &[usize], made: &mut Vec<usize>| {
                            makes.fetch_add(1, Ordering::SeqCst);
                            let now = held.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            made.clear();
                            made.extend(part.iter().map(|x| x * 2));
                            Ok::<(), ()>(())
                        },
                        |made| {
                            held.fetch_sub(1, Ordering::SeqCst);
                            seen.extend(made.iter().copied());
                            taken += 1;
                            Some(taken) != stop_after.map(|n| n + 1)
                        },
                    );
                    assert_eq!(done, Ok(()), "{case}");
                    let blocks = len.div_ceil(block);
                    let expected_blocks = stop_after.map_or(blocks, |n| blocks.min(n + 1));
                    assert_eq!(taken, expected_blocks, "{case}");
                    let expected: Vec<usize> = (items.iter().take(expected_blocks * block))
                        .map(|x| x * 2)
                        .collect();
                    assert_eq!(seen, expected, "{case}");
                    assert!(most.load(Ordering::SeqCst) <= workers + 2, "{case}");
                    assert!(
                        makes.load(Ordering::SeqCst) <= taken + workers + 2,
                        "{case}"
                    );
                }
            }
        }
    }

    /// The first failing block in order ends the work with its error; blocks before it are
    /// taken, none after it.
    #[test]
    fn the_first_error_in_block_order_is_returned() {
        for workers in [1, 2, 4] {
            let items: Vec<usize> = (0..200).collect();
            let mut taken = Vec::new();
            let done = super::in_order_on(
                workers,
                &items,
                2,
                |part: &[usize], made: &mut usize| {
                    *made = part[0];
                    // The blocks of 60 and 120 fail; 60 comes first whichever is made first.
                    if part[0] == 60 || part[0] == 120 {
                        return Err(part[0]);
                    }
                    Ok(())
                },
                |made| {
                    taken.push(*made);
                    true
                },
            );
            assert_eq!(done, Err(60), "{workers} workers");
            assert_eq!(
                taken,
                (0..60).step_by(2).collect::<Vec<_>>(),
                "{workers} workers"
            );
        }
    }

    /// A panic while making a block is raised on the calling thread, with its message, instead
    /// of leaving the others waiting for the block.
    #[test]
    fn a_panic_while_making_a_block_is_raised_again() {
        for workers in [1, 2, 4] {
            let items: Vec<usize> = (0..200).collect();
            let caught = std::panic::catch_unwind(|| {
                super::in_order_on(
                    workers,
                    &items,
                    1,
                    |part: &[usize], _: &mut ()| {
                        assert!(part[0] != 3, "block three");
                        Ok::<(), ()>(())
                    },
                    |_| true,
                )
            });
            let panic = caught.expect_err("the panic comes back");
            let text = (panic.downcast_ref::<&str>().copied())
                .or_else(|| panic.downcast_ref::<String>().map(String::as_str));
            assert_eq!(text, Some("block three"), "{workers} workers");
        }
    }

    #[test]
    fn every_item_is_worked_on_once() {
        for len in [0, 1, 63, 64, 65, 1000] {
            let mut items = vec![0u32; len];
            let sum = super::sum_each_mut(&mut items, |x| {
                *x += 1;
                2
            });
            assert_eq!(sum, 2 * len, "{len}");
            assert!(items.iter().all(|&x| x == 1), "{len}");
        }
    }
}
