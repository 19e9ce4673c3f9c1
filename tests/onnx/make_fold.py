"""Random graphs of small integer (and float) constants, evaluated by ONNX's own
reference implementation, for the importer's constant folding (src/import/onnx/fold.rs).

Writes fold_cases.onnx: one opset-17 graph whose nodes are random shape-arithmetic ops
(the ones exports build shapes with: Add … Where, Range, Expand, Tile, reductions,
Gather, Concat, Shape, Unsqueeze, Squeeze, Reshape, Cast, Size, Slice, Transpose), each checked by
onnx.reference.ReferenceEvaluator; every node's output value is stored as an
initializer named `expect/<output>` (booleans as int64). The folding's unit test reads
the graph and requires the importer's value of every output to equal ONNX's.

Run (any Python 3.9+):
    python3 -m venv /tmp/onnxvenv && /tmp/onnxvenv/bin/pip install onnx==1.23.2 numpy
    /tmp/onnxvenv/bin/python tests/onnx/make_fold.py
"""

import os
import random

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
from onnx.reference import ReferenceEvaluator

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 0xF01D
NODES = 1500
OPSET = 17

BINARY = ["Add", "Sub", "Mul", "Div", "Mod", "Pow", "Min", "Max", "Sum", "Equal",
          "Less", "Greater", "LessOrEqual", "GreaterOrEqual"]
LOGIC = ["And", "Or", "Xor"]
UNARY = ["Neg", "Abs", "Sign", "Floor", "Ceil"]
REDUCE = ["ReduceProd", "ReduceSum", "ReduceMin", "ReduceMax", "ReduceMean"]


def run(node, inputs):
    """The node's first output by the reference evaluator, or None if ONNX refuses."""
    names = [f"in{k}" for k in range(len(inputs))]
    node = helper.make_node(node.op_type, names, ["out"], **{
        a.name: helper.get_attribute_value(a) for a in node.attribute})
    graph = helper.make_graph(
        [node], "one",
        [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(v.dtype), v.shape)
         for n, v in zip(names, inputs)],
        [helper.make_tensor_value_info("out", TensorProto.UNDEFINED, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    try:
        with np.errstate(all="ignore"):
            out = ReferenceEvaluator(model).run(None, dict(zip(names, inputs)))[0]
    except Exception:
        return None
    return np.asarray(out)


def broadcastable(rng, shape):
    """A shape that broadcasts with `shape`: some dims 1, some dropped from the front."""
    s = [d if rng.random() < 0.6 else 1 for d in shape]
    return s[rng.randrange(len(s) + 1):] if s and rng.random() < 0.3 else s


def small_ints(rng, shape, lo=-6, hi=6):
    return np.array(rng.choices(range(lo, hi + 1), k=int(np.prod(shape))),
                    dtype=np.int64).reshape(shape)


def main():
    rng = random.Random(SEED)
    pool = {}  # name -> numpy value
    inits, nodes, expected = [], [], []

    def seed(value):
        name = f"c{len(pool)}"
        pool[name] = value
        inits.append(numpy_helper.from_array(value, name))
        return name

    def ints(rank=None):
        names = [n for n, v in pool.items() if v.dtype == np.int64 and v.size <= 64
                 and (rank is None or v.ndim == rank)]
        return rng.choice(names) if names else None

    for _ in range(6):
        seed(small_ints(rng, [rng.randint(1, 4) for _ in range(rng.randint(0, 3))]))
    seed(np.array([1, 3, 20, 20], dtype=np.int64))
    seed(np.array(2, dtype=np.int64))
    seed(np.array([0.5, 2.0, -1.5], dtype=np.float32))

    while len(nodes) < NODES:
        if rng.random() < 0.08:
            shape = [rng.randint(1, 4) for _ in range(rng.randint(0, 3))]
            seed(small_ints(rng, shape) if rng.random() < 0.8
                 else (small_ints(rng, shape) / 2).astype(np.float32))
            continue
        op = rng.choice(BINARY + LOGIC + UNARY + REDUCE + [
            "Where", "Range", "Expand", "Tile", "Size", "Concat", "Gather", "Cast",
            "Shape", "Unsqueeze", "Squeeze", "Reshape", "Not", "Slice", "Transpose"])
        a = ints() if rng.random() < 0.85 else rng.choice(
            [n for n, v in pool.items() if v.dtype != bool and v.size <= 64])
        if a is None:
            continue
        x = pool[a]
        attrs, inputs = {}, [a]
        if op in BINARY or op in LOGIC:
            other = [n for n, v in pool.items() if v.dtype == x.dtype
                     and v.size <= 64 and rng.random() < 0.5]
            b = rng.choice(other) if other and rng.random() < 0.5 else None
            if b is None:
                if op in ("Div", "Mod", "Pow") and x.dtype == np.int64:
                    v = small_ints(rng, broadcastable(rng, list(x.shape)), 1, 4)
                    v = v * rng.choice([1, -1]) if op != "Pow" else v
                else:
                    v = small_ints(rng, broadcastable(rng, list(x.shape))).astype(x.dtype)
                b = seed(v)
            if op in LOGIC:
                ca = seed(small_ints(rng, list(x.shape), 0, 1).astype(bool))
                cb = seed(small_ints(rng, broadcastable(rng, list(x.shape)), 0, 1).astype(bool))
                inputs = [ca, cb]
            else:
                inputs = [a, b]
            if op == "Mod":
                attrs["fmod"] = 0 if x.dtype == np.int64 else 1
            if op == "Sum" and rng.random() < 0.5:
                inputs.append(a)
        elif op == "Not":
            inputs = [seed(small_ints(rng, list(x.shape), 0, 1).astype(bool))]
        elif op in REDUCE:
            if x.ndim and rng.random() < 0.7:
                axes = sorted(rng.sample(range(x.ndim), rng.randint(1, x.ndim)))
                axes = [ax - x.ndim if rng.random() < 0.3 else ax for ax in axes]
                if op == "ReduceSum":
                    inputs.append(seed(np.array(axes, dtype=np.int64)))
                else:
                    attrs["axes"] = axes
            attrs["keepdims"] = rng.choice([0, 1])
        elif op == "Where":
            cond = seed(small_ints(rng, broadcastable(rng, list(x.shape)), 0, 1).astype(bool))
            other = seed(small_ints(rng, broadcastable(rng, list(x.shape))).astype(x.dtype))
            inputs = [cond, a, other] if rng.random() < 0.5 else [cond, other, a]
        elif op == "Range":
            s, lim = rng.randint(-5, 5), rng.randint(-5, 12)
            d = rng.choice([1, 2, 3, -1, -2])
            inputs = [seed(np.array(v, dtype=np.int64)) for v in (s, lim, d)]
        elif op == "Expand":
            shape = [rng.choice([d, 1]) if d == 1 else d for d in x.shape]
            shape = [rng.randint(1, 3) if d == 1 and rng.random() < 0.5 else d for d in shape]
            if rng.random() < 0.3:
                shape = [rng.randint(1, 2)] + shape
            inputs.append(seed(np.array(shape, dtype=np.int64)))
        elif op == "Tile":
            inputs.append(seed(np.array([rng.randint(1, 3) for _ in x.shape], dtype=np.int64)))
        elif op == "Concat":
            if x.ndim == 0:
                continue
            ax = rng.randrange(x.ndim)
            shape = list(x.shape)
            shape[ax] = rng.randint(1, 3)
            inputs.append(seed(small_ints(rng, shape).astype(x.dtype)))
            if rng.random() < 0.5:
                inputs.reverse()
            attrs["axis"] = ax - x.ndim if rng.random() < 0.3 else ax
        elif op == "Gather":
            if x.ndim == 0:
                continue
            ax = rng.randrange(x.ndim)
            n = x.shape[ax]
            if n == 0:
                continue
            idx_shape = [rng.randint(1, 3) for _ in range(rng.randint(0, 2))]
            idx = np.array(rng.choices(range(-n, n), k=int(np.prod(idx_shape))),
                           dtype=np.int64).reshape(idx_shape)
            inputs.append(seed(idx))
            attrs["axis"] = ax
        elif op == "Cast":
            attrs["to"] = rng.choice([TensorProto.INT64, TensorProto.INT32, TensorProto.FLOAT,
                                      TensorProto.BOOL, TensorProto.DOUBLE])
        elif op == "Shape":
            if rng.random() < 0.4:
                attrs["start"] = rng.randint(-3, 2)
            if rng.random() < 0.4:
                attrs["end"] = rng.randint(-2, 4)
        elif op == "Unsqueeze":
            r = x.ndim + 1
            inputs.append(seed(np.array([rng.randrange(-r, r)], dtype=np.int64)))
        elif op == "Squeeze":
            ones = [i for i, d in enumerate(x.shape) if d == 1]
            if not ones:
                continue
            inputs.append(seed(np.array([rng.choice(ones)], dtype=np.int64)))
        elif op == "Transpose":
            if x.ndim < 2:
                continue
            perm = list(range(x.ndim))
            rng.shuffle(perm)
            attrs["perm"] = perm
        elif op == "Slice":
            # Steps of either sign and ends past either end, as exports write them
            # (F.pad's pads reversed: start -1, end -(2**63 - 1), step -1).
            if x.ndim == 0:
                continue
            axes = rng.sample(range(x.ndim), rng.randint(1, x.ndim))
            far = 2**63 - 1
            starts, ends, steps = [], [], []
            for ax in axes:
                n = x.shape[ax]
                step = rng.choice([1, 1, 2, 3, -1, -1, -2])
                steps.append(step)
                # A negative step from before the first element: the ONNX text clamps the
                # start to 0 (one element), its numpy reference gives none; not drawn.
                low = -n if step < 0 else -n - 2
                starts.append(rng.choice([rng.randint(low, n + 2), -1, 0]))
                ends.append(rng.choice([rng.randint(-n - 2, n + 2), far, -far]))
            inputs += [seed(np.array(v, dtype=np.int64)) for v in (starts, ends)]
            if rng.random() < 0.8 or any(st != 1 for st in steps):
                inputs.append(seed(np.array([ax - x.ndim if rng.random() < 0.3 else ax
                                             for ax in axes], dtype=np.int64)))
                if rng.random() < 0.7 or any(st != 1 for st in steps):
                    inputs.append(seed(np.array(steps, dtype=np.int64)))
            elif sorted(axes) != list(range(len(axes))):
                continue  # without axes, a slice covers the first axes in order
        elif op == "Reshape":
            shape = [int(x.size)]
            if x.size % 2 == 0 and rng.random() < 0.5:
                shape = [2, -1]
            inputs.append(seed(np.array(shape, dtype=np.int64)))
        if op in ("Div", "Mod") and x.dtype == np.int64 and not np.all(pool[inputs[1]]):
            continue  # undefined in ONNX; the importer refuses it
        name = f"n{len(nodes)}"
        node = helper.make_node(op, inputs, [name], name=name, **attrs)
        out = run(node, [pool[i] for i in inputs])
        if out is None or out.size > 64 or out.ndim > 4 or out.dtype == object:
            continue
        if out.dtype.kind == "f" and not np.all(np.isfinite(out)):
            continue
        if out.dtype.kind in "iu" and np.any(np.abs(out.astype(np.float64)) > 2**40):
            continue
        nodes.append(node)
        pool[name] = out.astype(np.int64) if out.dtype == bool else out
        stored = out.astype(np.int64) if out.dtype.kind in "biu" else out.astype(np.float64)
        expected.append(numpy_helper.from_array(stored, f"expect/{name}"))

    # bool seeds are stored as int64 for the importer, which keeps integers only.
    inits = [numpy_helper.from_array(numpy_helper.to_array(t).astype(np.int64), t.name)
             if t.data_type == TensorProto.BOOL else t for t in inits]
    graph = helper.make_graph(
        nodes, "fold_cases",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 1, 1])],
        [helper.make_tensor_value_info(nodes[-1].output[0], TensorProto.UNDEFINED, None)],
        initializer=inits + expected)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="make_fold.py")
    path = os.path.join(HERE, "fold_cases.onnx")
    onnx.save(model, path)
    ops = {}
    for n in nodes:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    print(f"{path}: {len(nodes)} nodes, {os.path.getsize(path)} bytes")
    print(" ".join(f"{k}:{v}" for k, v in sorted(ops.items())))


if __name__ == "__main__":
    main()
