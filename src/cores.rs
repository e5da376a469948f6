//! Work spread over the machine's cores, for the stages of a scan that are many independent
//! pieces (REST APIs while loading, rules while evaluating, blocks of results while writing).

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
