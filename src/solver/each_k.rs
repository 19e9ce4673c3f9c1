//! The optimum for every `k` in `1..=D`, on all of the machine's cores: the `k`s are
//! independent DPs. The page's wasm has one thread and runs them in turn.

use super::dp::{partition, Algorithm, Partition};
use crate::cost::Environment;
use crate::model::Network;

/// [`partition`] for `k = 1..=env.devices`, in order of `k`.
pub fn partitions(net: &Network, env: &Environment, algorithm: Algorithm) -> Vec<Partition> {
    each_k(env.devices, |k| partition(net, env, k, algorithm))
}

/// `f(k)` for `k = 1..=devices`, in order. A DP for `k` costs about `k` times one for
/// `k = 1`, so thread `t` of `n` takes every `n`-th `k` from `t + 1`, which balances
/// the threads.
#[cfg(not(target_arch = "wasm32"))]
fn each_k<T: Send>(devices: u32, f: impl Fn(u32) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(devices as usize);
    if threads <= 1 {
        return (1..=devices).map(f).collect();
    }
    let f = &f;
    let mut parts: Vec<Vec<(u32, T)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads as u32)
            .map(|t| {
                s.spawn(move || {
                    (t + 1..=devices)
                        .step_by(threads)
                        .map(|k| (k, f(k)))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a solver thread does not panic"))
            .collect()
    });
    let mut all: Vec<(u32, T)> = parts.iter_mut().flat_map(std::mem::take).collect();
    all.sort_by_key(|&(k, _)| k);
    all.into_iter().map(|(_, t)| t).collect()
}

#[cfg(target_arch = "wasm32")]
fn each_k<T: Send>(devices: u32, f: impl Fn(u32) -> T + Sync) -> Vec<T> {
    (1..=devices).map(f).collect()
}
