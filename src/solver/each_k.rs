//! The optimum for every `k` in `1..=D`, on all of the machine's cores when the solve
//! is long enough to pay for the threads: the `k`s are independent DPs (on a branching
//! model, the `k`s of one thread share their sweeps, [`lockstep`]). The page's wasm has
//! one thread and runs them in turn.

use super::admit::Work;
use super::dp::{partition, Algorithm, Partition};
use super::lockstep;
use crate::cost::Environment;
use crate::model::Network;

/// Device-steps below which threads cost more than they save (a thread starts in tens
/// of microseconds; a device-step takes a few nanoseconds).
const PARALLEL_STEPS: u64 = 1_000_000;

/// [`partition`] for `k = 1..=env.devices`, in order of `k`.
pub fn partitions(net: &Network, env: &Environment, algorithm: Algorithm) -> Vec<Partition> {
    let steps = Work::of(net, algorithm).up_to(env.devices);
    let ks: Vec<u32> = (1..=env.devices).collect();
    if env.devices < 3 || !lockstep::applies(net, env) {
        return each(&ks, steps, |k| partition(net, env, k, algorithm));
    }
    // `k = 1` alone, the others in lock-step, as many groups as threads (none empty),
    // each taking every `n`-th `k` as `each` would.
    let n = if steps < PARALLEL_STEPS { 1 } else { threads() };
    let n = n.min(env.devices as usize - 1);
    let groups: Vec<Vec<u32>> = (0..n as u32)
        .map(|t| (2 + t..=env.devices).step_by(n).collect())
        .collect();
    let ids: Vec<u32> = (0..n as u32).collect();
    let mut walked = each(&ids, steps, |t| {
        lockstep::partitions(net, env, &groups[t as usize], algorithm)
    });
    let mut all = vec![partition(net, env, 1, algorithm)];
    for k in 2..=env.devices as usize {
        let t = (k - 2) % n;
        all.push(walked[t].remove(0));
    }
    all
}

/// `f(k)` for each of `ks`, in their order, from several threads when `steps` (the
/// work of all of them) is large. A DP for `k` costs about `k` times one for `k = 1`,
/// so thread `t` of `n` takes every `n`-th `k` from the `t`-th, which balances them.
pub fn each<T: Send>(ks: &[u32], steps: u64, f: impl Fn(u32) -> T + Sync) -> Vec<T> {
    let threads = if steps < PARALLEL_STEPS { 1 } else { threads() }.min(ks.len());
    if threads <= 1 {
        return ks.iter().map(|&k| f(k)).collect();
    }
    let f = &f;
    let mut results: Vec<Vec<(usize, T)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    (t..ks.len())
                        .step_by(threads)
                        .map(|i| (i, f(ks[i])))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a solver thread does not panic"))
            .collect()
    });
    let mut all: Vec<(usize, T)> = results.iter_mut().flat_map(std::mem::take).collect();
    all.sort_by_key(|&(i, _)| i);
    all.into_iter().map(|(_, t)| t).collect()
}

/// Threads a solve may use: the machine's cores natively, one in the page's wasm.
/// Asked once: the answer reads the cgroup's files, tens of microseconds.
pub fn threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        if cfg!(target_arch = "wasm32") {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        }
    })
}
