//! A small ordered parallel map over scoped threads, for the CPU- and
//! syscall-bound loops of `labforge new` (rendering templates, writing
//! files): results come back in input order, so errors stay deterministic
//! (the first failing item in path order is reported).

/// Applies `f` to every item on up to `available_parallelism` threads (at
/// most 8; `LABFORGE_THREADS=N` overrides), keeping the order. Small inputs
/// run on the calling thread.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    // Before asking for the core count: that reads cgroup files.
    if items.len() < 64 {
        return items.iter().map(f).collect();
    }
    let threads = std::env::var("LABFORGE_THREADS")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(8)
        });
    if threads < 2 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(
            super::map(&items, |i| i * 2),
            (0..1000).map(|i| i * 2).collect::<Vec<_>>()
        );
        assert_eq!(super::map(&items[..3], |i| i + 1), vec![1, 2, 3]);
    }
}
