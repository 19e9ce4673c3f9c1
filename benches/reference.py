#!/usr/bin/env python3
"""A straightforward Python reference of the MLS / SLS planner (docs: benches/README.md).

It follows the project's specification, /work/shared/spec/cost-model.md (sections 1-5),
line by line and for clarity only: every block cost is computed from scratch, by loops
over devices and layers. Standard library only. Chain models (conv and fc layers) in the
project's JSON format.

    python3 benches/reference.py benches/models/vgg19.json              # the best plan
    python3 benches/reference.py benches/models/vgg19.json --json       # every k, as JSON
    python3 benches/reference.py benches/models/vgg19.json --time 5     # median solve time
"""

import argparse
import json
import statistics
import sys
import time

B = 32  # bits of one tensor element


# ---------------------------------------------------------------- section 1: the model

def load_model(path):
    """Layers 1..L of a chain model in the project's JSON format, with their shapes."""
    with open(path) as f:
        doc = json.load(f)
    for key in doc:
        if key not in ("name", "input", "layers"):
            raise SystemExit(f"{path}: '{key}' is not supported (chain models only:"
                             " conv and fc layers, no passthrough)")
    h, w, c = doc["input"]["height"], doc["input"]["width"], doc["input"]["channels"]
    layers = [None]  # 1-based, as in the paper
    for n, raw in enumerate(doc["layers"], start=1):
        kind = raw["type"]
        if kind == "conv":
            known = {"type", "filters", "kernel", "stride", "padding", "pool"}
            if set(raw) - known:
                raise SystemExit(f"layer {n}: unsupported fields {sorted(set(raw) - known)}")
            if layers[-1] is not None and layers[-1]["fc"]:
                raise SystemExit(f"layer {n}: a conv after an fc")
            k = raw["kernel"]
            s = raw.get("stride", 1)
            p = raw.get("padding", k // 2)
            pool = raw.get("pool")
            hc = (h + 2 * p - k) // s + 1
            wc = (w + 2 * p - k) // s + 1
            if pool:
                kp, sp = pool["size"], pool.get("stride", pool["size"])
                ho, wo = (hc - kp) // sp + 1, (wc - kp) // sp + 1
            else:
                kp, sp = None, None
                ho, wo = hc, wc
            co = raw["filters"]
            layers.append(dict(fc=False, H=h, W=w, Ci=c, K=k, S=s, P=p, Kp=kp, Sp=sp,
                               Hc=hc, Wc=wc, Co=co, Ho=ho, Wo=wo,
                               flops=2 * k * k * c * co * hc * wc))
            h, w, c = ho, wo, co
        elif kind == "fc":
            if set(raw) - {"type", "outputs"}:
                raise SystemExit(f"layer {n}: unsupported fields")
            ni, no = h * w * c, raw["outputs"]
            layers.append(dict(fc=True, Ni=ni, No=no, flops=2 * ni * no))
            h, w, c = 1, 1, no
        else:
            raise SystemExit(f"layer {n}: type '{kind}' is not a chain layer (conv or fc)")
    input_bits = doc["input"]["height"] * doc["input"]["width"] * doc["input"]["channels"] * B
    output_bits = h * w * c * B
    return dict(name=doc.get("name", "custom"), layers=layers, L=len(layers) - 1,
                input_bits=input_bits, output_bits=output_bits)


# ---------------------------------------------------------------- section 2: grids and halos

def equal_split(n, k):
    """n items over k devices: the first n mod k get ceil(n/k), the rest floor(n/k).
    Returns (first, last) inclusive 0-based ranges; an empty share is None."""
    shares, start = [], 0
    for d in range(k):
        count = n // k + (1 if d < n % k else 0)
        shares.append((start, start + count - 1) if count > 0 else None)
        start += count
    return shares


def size(rows):
    return 0 if rows is None else rows[1] - rows[0] + 1


def row_set(rows):
    return set() if rows is None else set(range(rows[0], rows[1] + 1))


def back_propagate(layer, out_rows):
    """Rows of a CL's output -> (conv-output rows it computes, input rows it needs)."""
    a, b = out_rows
    if layer["Kp"] is not None:
        a, b = a * layer["Sp"], min(b * layer["Sp"] + layer["Kp"] - 1, layer["Hc"] - 1)
    computed = (a, b)
    need = (max(0, a * layer["S"] - layer["P"]),
            min(layer["H"] - 1, b * layer["S"] - layer["P"] + layer["K"] - 1))
    return computed, need


def conv_part(model, i, last, grid):
    """A device whose grid is `grid` (rows of layer `last`'s output) in CLs i..last:
    its FLOPs and the rows of layer i's input it needs (None when idle)."""
    if grid is None:
        return 0, None
    flops, rows = 0, grid
    for r in range(last, i - 1, -1):
        layer = model["layers"][r]
        computed, rows = back_propagate(layer, rows)
        flops += size(computed) * layer["Wc"] * layer["Co"] * 2 * layer["K"] ** 2 * layer["Ci"]
    return flops, rows


# ---------------------------------------------------------------- sections 3-4: one block

def case_of(model, i, j):
    """The feasible cases of block i..j (section 3), data before model."""
    fc = [model["layers"][r]["fc"] for r in range(i, j + 1)]
    if not any(fc):
        return ["conv"]
    if fc == [False] * (j - i) + [True]:
        return ["conv+fc"] if j > i else ["fc-data", "fc-model"]
    if fc == [True, True]:
        return ["fc-hybrid"]
    return []


def held_rows(model, i, k):
    """What each device keeps of layer i-1's output when block i starts (section 4):
    its equal-split rows after a conv block, nothing when the gateway holds the tensor."""
    if i == 1 or model["layers"][i - 1]["fc"]:
        return [None] * k
    return equal_split(model["layers"][i - 1]["Ho"], k)


def block_loads(model, i, j, k, case):
    """[(zeta, phi)] for every device of block i..j sliced as `case` (sections 3-4)."""
    layers = model["layers"]
    loads = []
    if case in ("conv", "conv+fc"):
        last = j if case == "conv" else j - 1
        grids = equal_split(layers[last]["Ho"], k)
        parts = [conv_part(model, i, last, g) for g in grids]
        needs = [row_set(need) for _, need in parts]
        held = [row_set(rows) for rows in held_rows(model, i, k)]
        row_bits = layers[i]["W"] * layers[i]["Ci"] * B
        for d in range(k):
            zeta = parts[d][0]
            n_d = size(grids[d]) * layers[last]["Wo"] * layers[last]["Co"]
            # ti: the rows of layer i's input it needs and does not hold
            ti = len(needs[d] - held[d]) * row_bits
            # tau_o: the distinct rows it holds that at least one other device needs
            others = set().union(*(needs[e] for e in range(k) if e != d))
            tau = len(held[d] & others) * row_bits
            # to: this round's output
            if case == "conv":
                to = n_d * B if (j == model["L"] or layers[j + 1]["fc"]) else 0
            else:
                zeta += 2 * n_d * layers[j]["No"]
                to = layers[j]["No"] * B if grids[d] is not None else 0
            loads.append((zeta, ti + tau + to))
    elif case == "fc-data":
        ni, no = layers[i]["Ni"], layers[i]["No"]
        for share in equal_split(ni, k):
            n_d = size(share)
            loads.append((2 * n_d * no, n_d * B + (no * B if n_d else 0)))
    elif case == "fc-model":
        ni, no = layers[i]["Ni"], layers[i]["No"]
        for share in equal_split(no, k):
            m_d = size(share)
            loads.append((2 * ni * m_d, (ni * B if m_d else 0) + m_d * B))
    elif case == "fc-hybrid":
        ni, mid, no = layers[i]["Ni"], layers[i]["No"], layers[j]["No"]
        for share in equal_split(mid, k):
            m_d = size(share)
            busy = m_d > 0
            loads.append((2 * ni * m_d + 2 * m_d * no, (ni * B + no * B) if busy else 0))
    return loads


def block_time(model, i, j, k, case, F, G):
    """e(i, j, k) = max over d of zeta/F + phi*k/G (section 5)."""
    return max(zeta / F + phi * k / G for zeta, phi in block_loads(model, i, j, k, case))


# ---------------------------------------------------------------- section 5: the DP

def solve_k(model, k, F, G, algorithm="mls"):
    """T^k and its blocks [(first, last, case, seconds)] for k devices."""
    L = model["L"]
    if k == 1:
        flops = sum(model["layers"][r]["flops"] for r in range(1, L + 1))
        t = flops / F + (model["input_bits"] + model["output_bits"]) / G
        return t, [(1, L, "single", t)]
    T = [0.0] + [float("inf")] * L
    choice = [None] * (L + 1)
    for i in range(1, L + 1):
        for r in range(i):  # smallest r first: a later r must be strictly better
            if algorithm == "sls" and r != i - 1:
                continue
            for case in case_of(model, r + 1, i):  # fc data before model
                e = block_time(model, r + 1, i, k, case, F, G)
                if T[r] + e < T[i]:
                    T[i], choice[i] = T[r] + e, (r + 1, i, case, e)
    blocks, i = [], L
    while i > 0:
        blocks.insert(0, choice[i])
        i = choice[i][0] - 1
    return T[L], blocks


def solve(model, D, gflops, mbps, algorithm="mls"):
    """Every k in 1..D, and the best (the smallest k on a tie)."""
    F, G = gflops * 1e9, mbps * 1e6
    per_k = [solve_k(model, k, F, G, algorithm) for k in range(1, D + 1)]
    best = min(range(D), key=lambda n: (per_k[n][0], n)) + 1
    return best, per_k


def check(args, result):
    """Compares with the Rust CLI: the best k, every k's T and block count, and the best
    k's blocks. (tests/reference_py.rs compares every k's blocks through the library.)"""
    import subprocess
    rust = json.loads(subprocess.run(
        [args.check, "solve", "--model", args.model, "--devices", str(args.devices),
         "--bandwidth", str(args.bandwidth), "--gflops", str(args.gflops),
         "--algorithm", args.algorithm, "--json"],
        check=True, capture_output=True, text=True).stdout)
    best, per_k = result
    errors = []
    if rust["devices"] != best:
        errors.append(f"best k: rust {rust['devices']}, python {best}")
    for r, (t, blocks) in zip(rust["per_k"], per_k):
        if abs(r["completion_s"] - t) > 1e-9 * t or r["blocks"] != len(blocks):
            errors.append(f"k={r['devices']}: rust T={r['completion_s']!r} in {r['blocks']} "
                          f"blocks, python T={t!r} in {len(blocks)}")
    ours = [f"{a}-{b}:{c}" for a, b, c, _ in per_k[best - 1][1]]
    theirs = [f"{b['first']}-{b['last']}:{b['case']}" for b in rust["blocks"]]
    if ours != theirs:
        errors.append(f"blocks at the best k: rust {theirs}, python {ours}")
    print("\n".join(errors) if errors else
          f"{args.model} D={args.devices} {args.algorithm}: rust and python agree (k={best}, T={per_k[best - 1][0]!r} s)")
    return 1 if errors else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", help="a chain model in the project's JSON format")
    ap.add_argument("--devices", type=int, default=10)
    ap.add_argument("--bandwidth", type=float, default=100.0, help="Mbps")
    ap.add_argument("--gflops", type=float, default=13.6)
    ap.add_argument("--algorithm", choices=["mls", "sls"], default="mls")
    ap.add_argument("--json", action="store_true", help="every k's plan as JSON")
    ap.add_argument("--time", type=int, metavar="RUNS",
                    help="print the median wall time of RUNS full solves")
    ap.add_argument("--check", metavar="COOPAI",
                    help="compare with `COOPAI solve --json` on the same file and setting")
    args = ap.parse_args()
    model = load_model(args.model)
    run = lambda: solve(model, args.devices, args.gflops, args.bandwidth, args.algorithm)
    if args.check:
        sys.exit(check(args, run()))
    if args.time:
        times = []
        for _ in range(args.time):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        print(f"{model['name']} D={args.devices}: median {statistics.median(times) * 1e3:.1f} ms"
              f" over {args.time} runs (min {min(times) * 1e3:.1f}, max {max(times) * 1e3:.1f})")
        return
    best, per_k = run()
    if args.json:
        out = {"model": model["name"], "devices": best, "completion_s": per_k[best - 1][0],
               "per_k": [{"devices": k, "completion_s": t,
                          "blocks": [{"first": a, "last": b, "case": c, "completion_s": e}
                                     for a, b, c, e in blocks]}
                         for k, (t, blocks) in enumerate(per_k, start=1)]}
        json.dump(out, sys.stdout, indent=1)
        print()
        return
    for k, (t, blocks) in enumerate(per_k, start=1):
        mark = "*" if k == best else " "
        print(f"{mark} k={k:3} T={t:.9f} s  " +
              " ".join(f"{a}-{b}:{c}" for a, b, c, _ in blocks))


if __name__ == "__main__":
    main()
