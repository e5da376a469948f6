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

#[cfg(test)]
mod tests {
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
