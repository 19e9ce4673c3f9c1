//! Constant folding of the small integer (and float) tensors that exports compute
//! shapes with: `x.chunk(2, dim=1)` becomes Shape → Gather → Add → Div → Mul → Slice,
//! a dynamic batch axis a Reshape target built from Shape, Range, Where and Expand.
//! Every op here whose inputs are all constants is evaluated exactly as ONNX defines
//! it (numpy broadcasting, integer division truncating toward zero, `Mod`'s `fmod`),
//! when every input's values are known; otherwise only its dims are, as for weights.
//!
//! Work and memory are bounded by the constants' limits: at most [`MAX_CONST_VALUES`]
//! values are ever computed and at most [`MAX_RANK`] dims kept, whatever a file declares.

use super::node::Node;
use super::value::{check_rank, list, Const, Data, Value, MAX_CONST_VALUES, MAX_RANK};
use crate::model::ModelError;

/// Ops that have no meaning on a computed tensor: with one, a non-constant input is
/// refused (naming the input).
const CONSTANT_ONLY: &[&str] = &[
    "Gather",
    "Range",
    "Where",
    "Expand",
    "Tile",
    "Size",
    "Equal",
    "Less",
    "Greater",
    "LessOrEqual",
    "GreaterOrEqual",
    "And",
    "Or",
    "Xor",
    "Not",
    "Mod",
    "Floor",
    "Ceil",
    "Sign",
    "ReduceProd",
    "ReduceSum",
    "ReduceMin",
];

/// Ops that are also read on computed tensors (elementwise layers, cost-free ops,
/// global pools, channel concatenation): folded only when every input is a constant.
const ALSO_COMPUTED: &[&str] = &[
    "Add",
    "Sub",
    "Mul",
    "Div",
    "Pow",
    "Min",
    "Max",
    "Sum",
    "Neg",
    "Abs",
    "Reciprocal",
    "Cast",
    "Concat",
    "ReduceMax",
    "ReduceMean",
];

/// `n`'s output when it is an op this module folds and its inputs are constants;
/// `None` when the op is read another way.
pub fn fold(n: &Node) -> Option<Result<Const, ModelError>> {
    let op = n.op();
    let only = CONSTANT_ONLY.contains(&op);
    if !only && !ALSO_COMPUTED.contains(&op) {
        return None;
    }
    let mut ins = Vec::with_capacity(n.inputs.len());
    for k in 0..n.inputs.len() {
        match n.input(k) {
            None => ins.push(None),
            Some(Value::Const(c)) => ins.push(Some(c)),
            Some(Value::Act(_) | Value::Head(_)) if only => return Some(n.konst(k).cloned()),
            Some(Value::Act(_) | Value::Head(_)) => return None,
        }
    }
    if ins.iter().all(Option::is_none) {
        return if only {
            Some(Err(n.err("it has no inputs")))
        } else {
            None
        };
    }
    Some(eval(n, &ins))
}

/// `n`'s output from its inputs `ins` (`None`: omitted): values where all are known,
/// else dims only.
pub fn eval(n: &Node, ins: &[Option<&Const>]) -> Result<Const, ModelError> {
    let get = |k: usize| {
        ins.get(k)
            .copied()
            .flatten()
            .ok_or_else(|| n.err(format!("input {} is missing", k + 1)))
    };
    let op = n.op();
    match op {
        "Add" | "Sub" | "Mul" | "Div" | "Mod" | "Pow" | "Min" | "Max" | "Sum" | "Equal"
        | "Less" | "Greater" | "LessOrEqual" | "GreaterOrEqual" | "And" | "Or" | "Xor" => {
            let present: Vec<&Const> = ins.iter().flatten().copied().collect();
            let fmod = n.attrs.int_or("fmod", 0) != 0;
            let mut acc = present[0].clone();
            for c in &present[1..] {
                acc = binary(n, op, fmod, &acc, c)?;
            }
            Ok(acc)
        }
        "Neg" | "Abs" | "Floor" | "Ceil" | "Sign" | "Not" | "Reciprocal" => Ok(unary(op, get(0)?)),
        "Cast" => Ok(cast(n.attrs.int_or("to", 0), get(0)?)),
        "Where" => where_(n, get(0)?, get(1)?, get(2)?),
        "Range" => range(n, get(0)?, get(1)?, get(2)?),
        "Expand" => expand(n, get(0)?),
        "Tile" => tile(n, get(0)?),
        "Size" => Ok(Const::new(
            Vec::new(),
            Data::Int(vec![get(0)?.len().min(i64::MAX as u64) as i64]),
        )),
        "Concat" => concat(n, ins),
        "Gather" => gather(n, get(0)?, get(1)?),
        // ReduceProd, ReduceSum, ReduceMin, ReduceMax, ReduceMean
        _ => reduce(n, get(0)?),
    }
}

/// A known tensor's values, as the type ONNX computes them in.
enum Vals {
    Int(Vec<i64>),
    Float(Vec<f64>),
}

fn vals(c: &Const) -> Option<Vals> {
    match &c.data {
        Data::Int(v) => Some(Vals::Int(v.clone())),
        Data::Float(v) => Some(Vals::Float(v.clone())),
        Data::Counting | Data::Unknown => None,
    }
}

/// A constant of `dims` whose element at each index (row-major) is `c`'s element at
/// the flat index `from(index)`: how Transpose and Slice move known values.
pub fn rearranged(c: &Const, dims: Vec<i64>, from: impl Fn(&[usize]) -> usize) -> Const {
    let Some(v) = vals(c) else {
        return Const::unknown(dims);
    };
    let shape: Vec<usize> = dims.iter().map(|&d| d.max(0) as usize).collect();
    Const::build(dims, |count| {
        let mut index = vec![0usize; shape.len()];
        let mut at = Vec::with_capacity(count);
        for _ in 0..count {
            at.push(from(&index));
            for a in (0..shape.len()).rev() {
                index[a] += 1;
                if index[a] < shape[a] {
                    break;
                }
                index[a] = 0;
            }
        }
        Some(match &v {
            Vals::Int(x) => Data::Int(at.iter().map(|&i| x[i]).collect()),
            Vals::Float(x) => Data::Float(at.iter().map(|&i| x[i]).collect()),
        })
    })
}

/// Elements of a tensor of `dims` (saturating: a hostile file's dims may be enormous).
fn elements(dims: &[i64]) -> usize {
    dims.iter()
        .fold(1usize, |n, &d| n.saturating_mul(d.max(0) as usize))
}

/// numpy's broadcast of several dims lists.
fn broadcast(n: &Node, all: &[&[i64]]) -> Result<Vec<i64>, ModelError> {
    let rank = all.iter().map(|d| d.len()).max().unwrap_or(0);
    check_rank(rank).map_err(|m| n.err(m))?;
    let mut out = vec![1i64; rank];
    for d in all {
        let off = rank - d.len();
        for (i, &v) in d.iter().enumerate() {
            let o = &mut out[off + i];
            if *o == 1 {
                *o = v;
            } else if v != 1 && v != *o {
                return Err(n.err(format!(
                    "dims {} do not broadcast with {}",
                    list(d),
                    list(&out)
                )));
            }
        }
    }
    Ok(out)
}

/// The flat index in a tensor of `dims`, broadcast to `out`, of output element `flat`.
fn source(out: &[i64], dims: &[i64], mut flat: usize) -> usize {
    let off = out.len() - dims.len();
    let (mut index, mut stride) = (0, 1);
    for i in (0..out.len()).rev() {
        let o = out[i].max(1) as usize;
        let k = flat % o;
        flat /= o;
        if i >= off {
            let d = dims[i - off].max(1) as usize;
            if d > 1 {
                index += k * stride;
            }
            stride *= d;
        }
    }
    index
}

fn binary(n: &Node, op: &str, fmod: bool, a: &Const, b: &Const) -> Result<Const, ModelError> {
    let dims = broadcast(n, &[&a.dims, &b.dims])?;
    let (Some(x), Some(y)) = (vals(a), vals(b)) else {
        return Ok(Const::unknown(dims));
    };
    let at = |flat: usize, c: &Const| source(&dims, &c.dims, flat);
    let mut error = None;
    let c = Const::build(dims.clone(), |count| {
        Some(match (&x, &y) {
            (Vals::Int(x), Vals::Int(y)) => Data::Int(
                (0..count)
                    .map(|i| match int_op(op, fmod, x[at(i, a)], y[at(i, b)]) {
                        Ok(v) => v,
                        Err(m) => {
                            error = Some(m);
                            0
                        }
                    })
                    .collect(),
            ),
            _ => {
                let (x, y) = (floats(&x), floats(&y));
                let v: Vec<f64> = (0..count)
                    .map(|i| float_op(op, x[at(i, a)], y[at(i, b)]))
                    .collect();
                if is_comparison(op) {
                    Data::Int(v.into_iter().map(|f| f as i64).collect())
                } else {
                    Data::Float(v)
                }
            }
        })
    });
    match error {
        Some(m) => Err(n.err(m)),
        None => Ok(c),
    }
}

fn floats(v: &Vals) -> Vec<f64> {
    match v {
        Vals::Int(v) => v.iter().map(|&i| i as f64).collect(),
        Vals::Float(v) => v.clone(),
    }
}

fn is_comparison(op: &str) -> bool {
    compare(op, 0, 0).is_some()
}

/// A comparison or logical op, on integers or floats alike (ONNX gives 0 or 1).
fn compare<T: PartialOrd + Default>(op: &str, a: T, b: T) -> Option<bool> {
    let (x, y) = (a != T::default(), b != T::default());
    Some(match op {
        "Equal" => a == b,
        "Less" => a < b,
        "Greater" => a > b,
        "LessOrEqual" => a <= b,
        "GreaterOrEqual" => a >= b,
        "And" => x && y,
        "Or" => x || y,
        "Xor" => x != y,
        _ => return None,
    })
}

/// ONNX's integer arithmetic: int64 wraps, division truncates toward zero, `Mod`
/// takes the divisor's sign unless `fmod`.
fn int_op(op: &str, fmod: bool, a: i64, b: i64) -> Result<i64, &'static str> {
    if let Some(t) = compare(op, a, b) {
        return Ok(i64::from(t));
    }
    Ok(match op {
        "Div" | "Mod" if b == 0 => return Err("an integer division by zero"),
        "Add" | "Sum" => a.wrapping_add(b),
        "Sub" => a.wrapping_sub(b),
        "Mul" => a.wrapping_mul(b),
        "Div" => a.wrapping_div(b),
        "Mod" => {
            let r = a.wrapping_rem(b);
            if !fmod && r != 0 && ((r < 0) != (b < 0)) {
                r.wrapping_add(b)
            } else {
                r
            }
        }
        "Pow" => match u32::try_from(b) {
            Ok(e) => a.wrapping_pow(e),
            Err(_) if b < 0 => return Err("an integer power with a negative exponent"),
            // An exponent beyond u32 only leaves 0, 1 or -1 unchanged; anything else wraps.
            Err(_) => a.wrapping_pow(u32::MAX - u32::from(b % 2 == 0)),
        },
        "Min" => a.min(b),
        _ => a.max(b),
    })
}

fn float_op(op: &str, a: f64, b: f64) -> f64 {
    if let Some(t) = compare(op, a, b) {
        return f64::from(u8::from(t));
    }
    match op {
        "Add" | "Sum" => a + b,
        "Sub" => a - b,
        "Mul" => a * b,
        "Div" => a / b,
        "Mod" => a % b,
        "Pow" => a.powf(b),
        "Min" => a.min(b),
        _ => a.max(b),
    }
}

fn unary(op: &str, c: &Const) -> Const {
    let data = match vals(c) {
        Some(Vals::Int(v)) if op == "Reciprocal" => {
            Data::Float(v.into_iter().map(|x| 1.0 / x as f64).collect())
        }
        Some(Vals::Int(v)) => Data::Int(
            v.into_iter()
                .map(|x| match op {
                    "Neg" => x.wrapping_neg(),
                    "Abs" => x.wrapping_abs(),
                    "Sign" => x.signum(),
                    "Not" => i64::from(x == 0),
                    _ => x, // Floor and Ceil of a whole number
                })
                .collect(),
        ),
        Some(Vals::Float(v)) if op == "Not" => {
            Data::Int(v.into_iter().map(|x| i64::from(x == 0.0)).collect())
        }
        Some(Vals::Float(v)) => Data::Float(
            v.into_iter()
                .map(|x| match op {
                    "Neg" => -x,
                    "Abs" => x.abs(),
                    "Sign" if x == 0.0 => 0.0,
                    "Sign" => x.signum(),
                    "Floor" => x.floor(),
                    "Reciprocal" => 1.0 / x,
                    _ => x.ceil(),
                })
                .collect(),
        ),
        None => Data::Unknown,
    };
    Const::new(c.dims.clone(), data)
}

/// `Cast` to `to` (a `TensorProto.DataType`): integers wrap to their width, floats
/// truncate toward zero, booleans are 0 or 1.
fn cast(to: i64, c: &Const) -> Const {
    let int = |x: i64| -> i64 {
        match to {
            2 => i64::from(x as u8),
            3 => i64::from(x as i8),
            4 => i64::from(x as u16),
            5 => i64::from(x as i16),
            6 => i64::from(x as i32),
            9 => i64::from(x != 0),
            12 => i64::from(x as u32),
            _ => x,
        }
    };
    let data = match (vals(c), to) {
        // FLOAT, FLOAT16, DOUBLE, BFLOAT16
        (Some(v), 1 | 10 | 11 | 16) => {
            let single = to != 11;
            Data::Float(
                floats(&v)
                    .into_iter()
                    .map(|f| if single { f64::from(f as f32) } else { f })
                    .collect(),
            )
        }
        (Some(Vals::Int(v)), _) => Data::Int(v.into_iter().map(int).collect()),
        (Some(Vals::Float(v)), _) if to == 9 => {
            Data::Int(v.into_iter().map(|f| i64::from(f != 0.0)).collect())
        }
        (Some(Vals::Float(v)), _) => Data::Int(v.into_iter().map(|f| int(f as i64)).collect()),
        (None, _) => Data::Unknown,
    };
    Const::new(c.dims.clone(), data)
}

fn where_(n: &Node, cond: &Const, x: &Const, y: &Const) -> Result<Const, ModelError> {
    let dims = broadcast(n, &[&cond.dims, &x.dims, &y.dims])?;
    let (Some(Vals::Int(c)), Some(a), Some(b)) = (vals(cond), vals(x), vals(y)) else {
        return Ok(Const::unknown(dims));
    };
    let pick = |i: usize| c[source(&dims, &cond.dims, i)] != 0;
    let ix = |i: usize| source(&dims, &x.dims, i);
    let iy = |i: usize| source(&dims, &y.dims, i);
    Ok(Const::build(dims.clone(), |count| {
        Some(match (&a, &b) {
            (Vals::Int(a), Vals::Int(b)) => Data::Int(
                (0..count)
                    .map(|i| if pick(i) { a[ix(i)] } else { b[iy(i)] })
                    .collect(),
            ),
            _ => {
                let (a, b) = (floats(&a), floats(&b));
                Data::Float(
                    (0..count)
                        .map(|i| if pick(i) { a[ix(i)] } else { b[iy(i)] })
                        .collect(),
                )
            }
        })
    }))
}

/// One value of a scalar input, needed known.
fn scalar(n: &Node, c: &Const, k: usize) -> Result<f64, ModelError> {
    match c.float_values().as_deref() {
        Some([v]) => Ok(*v),
        Some(v) => Err(n.err(format!(
            "input {} has {} values, expected one (a scalar)",
            k + 1,
            v.len()
        ))),
        None => Err(n.err(format!(
            "the values of input {} are needed but unknown",
            k + 1
        ))),
    }
}

fn range(n: &Node, start: &Const, limit: &Const, delta: &Const) -> Result<Const, ModelError> {
    let (s, l, d) = (
        scalar(n, start, 0)?,
        scalar(n, limit, 1)?,
        scalar(n, delta, 2)?,
    );
    if d == 0.0 || !(s.is_finite() && l.is_finite() && d.is_finite()) {
        return Err(n.err(format!("start {s}, limit {l} and delta {d} make no range")));
    }
    let count = ((l - s) / d).ceil().max(0.0);
    if count > 9.0e15 {
        return Err(n.err(format!("a range of {count} values is too long")));
    }
    let ints = [start, limit, delta]
        .iter()
        .all(|c| matches!(c.data, Data::Int(_)));
    Ok(Const::build(vec![count as i64], |count| {
        Some(if ints {
            let (s, d) = (start.int_values()?[0], delta.int_values()?[0]);
            Data::Int(
                (0..count as i64)
                    .map(|i| s.wrapping_add(i.wrapping_mul(d)))
                    .collect(),
            )
        } else {
            Data::Float((0..count).map(|i| s + i as f64 * d).collect())
        })
    }))
}

/// A shape input's values (`Expand`, `Tile`), needed known, at most [`MAX_RANK`] long.
fn shape_input(n: &Node, k: usize) -> Result<Vec<i64>, ModelError> {
    let v = n
        .int_input(k)?
        .ok_or_else(|| n.err(format!("input {} is missing", k + 1)))?;
    check_rank(v.len()).map_err(|m| n.err(m))?;
    if let Some(d) = v.iter().find(|&&d| d < 0) {
        return Err(n.err(format!("shape {} has a negative dim {d}", list(&v))));
    }
    Ok(v)
}

fn expand(n: &Node, x: &Const) -> Result<Const, ModelError> {
    let shape = shape_input(n, 1)?;
    let dims = broadcast(n, &[&x.dims, &shape])?;
    Ok(gathered(dims, x, |dims, i| source(dims, &x.dims, i)))
}

/// A tensor of `dims` whose element `i` is `x`'s element `from(dims, i)`.
fn gathered(dims: Vec<i64>, x: &Const, from: impl Fn(&[i64], usize) -> usize) -> Const {
    let values = vals(x);
    let d = dims.clone();
    Const::build(dims, |count| {
        Some(match values? {
            Vals::Int(v) => Data::Int((0..count).map(|i| v[from(&d, i)]).collect()),
            Vals::Float(v) => Data::Float((0..count).map(|i| v[from(&d, i)]).collect()),
        })
    })
}

fn tile(n: &Node, x: &Const) -> Result<Const, ModelError> {
    let reps = shape_input(n, 1)?;
    if reps.len() != x.dims.len() {
        return Err(n.err(format!(
            "repeats {} do not fit dims {}",
            list(&reps),
            list(&x.dims)
        )));
    }
    let dims = x
        .dims
        .iter()
        .zip(&reps)
        .map(|(&d, &r)| d.checked_mul(r))
        .collect::<Option<Vec<i64>>>()
        .ok_or_else(|| n.err(format!("repeats {} are too many", list(&reps))))?;
    Ok(gathered(dims, x, |dims, mut flat| {
        let (mut index, mut stride) = (0, 1);
        for (i, &o) in dims.iter().enumerate().rev() {
            let k = flat % o.max(1) as usize;
            flat /= o.max(1) as usize;
            let d = x.dims[i].max(1) as usize;
            index += (k % d) * stride;
            stride *= d;
        }
        index
    }))
}

/// An axis normalised against `rank`, or an error.
pub fn axis(n: &Node, a: i64, rank: usize) -> Result<usize, ModelError> {
    let r = rank as i64;
    let v = if a < 0 { a + r } else { a };
    if !(0..r).contains(&v) {
        return Err(n.err(format!("axis {a} does not fit a tensor of {rank} dims")));
    }
    Ok(v as usize)
}

/// Concatenation of constants along `axis` (a scalar counts as one value, and without
/// an `axis` vectors are joined, as the importer always read them).
fn concat(n: &Node, ins: &[Option<&Const>]) -> Result<Const, ModelError> {
    let parts: Vec<Const> = ins
        .iter()
        .flatten()
        .map(|c| {
            if c.dims.is_empty() {
                Const::new(vec![1], c.data.clone())
            } else {
                (*c).clone()
            }
        })
        .collect();
    let rank = parts[0].dims.len();
    let ax = axis(n, n.attrs.int_or("axis", 0), rank)?;
    let mut dims = parts[0].dims.clone();
    dims[ax] = 0;
    for p in &parts {
        let same = p.dims.len() == rank
            && p.dims
                .iter()
                .zip(&parts[0].dims)
                .enumerate()
                .all(|(i, (a, b))| i == ax || a == b);
        if !same {
            return Err(n.err(format!(
                "dims {} and {} cannot be concatenated on axis {ax}",
                list(&parts[0].dims),
                list(&p.dims)
            )));
        }
        dims[ax] = dims[ax].saturating_add(p.dims[ax]);
    }
    // Output element i is in part p at its own index, found by walking the axis.
    let outer = elements(&dims[..ax]);
    let all: Option<Vec<Vals>> = parts.iter().map(vals).collect();
    let d = dims.clone();
    Ok(Const::build(dims, |count| {
        let all = all?;
        let inner = elements(&d[ax + 1..]);
        let mut ints = Vec::with_capacity(count);
        let mut fls = Vec::with_capacity(count);
        let float = all.iter().any(|v| matches!(v, Vals::Float(_)));
        for o in 0..outer {
            for (p, v) in parts.iter().zip(&all) {
                let block = p.dims[ax] as usize * inner;
                let range = o * block..(o + 1) * block;
                match v {
                    Vals::Int(v) if !float => ints.extend_from_slice(&v[range]),
                    v => fls.extend_from_slice(&floats(v)[range]),
                }
            }
        }
        Some(if float {
            Data::Float(fls)
        } else {
            Data::Int(ints)
        })
    }))
}

fn gather(n: &Node, data: &Const, idx: &Const) -> Result<Const, ModelError> {
    let rank = data.dims.len();
    let ax = axis(n, n.attrs.int_or("axis", 0), rank)?;
    let mut dims = data.dims[..ax].to_vec();
    dims.extend(&idx.dims);
    dims.extend(&data.dims[ax + 1..]);
    check_rank(dims.len()).map_err(|m| n.err(m))?;
    let Some(index) = idx.int_values() else {
        return Ok(Const::unknown(dims));
    };
    let len = data.dims[ax];
    let index = index
        .iter()
        .map(|&k| {
            let k = if k < 0 { k + len } else { k };
            (0..len).contains(&k).then_some(k as usize)
        })
        .collect::<Option<Vec<usize>>>()
        .ok_or_else(|| n.err(format!("indices {} do not fit {len} values", list(&index))))?;
    let inner = elements(&data.dims[ax + 1..]);
    let (count_i, len) = (index.len().max(1), len as usize);
    Ok(gathered(dims, data, |_, flat| {
        let (rest, j) = (flat / inner, flat % inner);
        let (o, i) = (rest / count_i, rest % count_i);
        (o * len + index[i]) * inner + j
    }))
}

fn reduce(n: &Node, x: &Const) -> Result<Const, ModelError> {
    let rank = x.dims.len();
    let axes = n.ints_or_input("axes", 1)?.unwrap_or_default();
    if axes.len() > MAX_RANK {
        return Err(n.err(format!("axes {} are too many", list(&axes))));
    }
    let mut reduced = vec![false; rank];
    for &a in &axes {
        reduced[axis(n, a, rank)?] = true;
    }
    if axes.is_empty() {
        if n.attrs.int_or("noop_with_empty_axes", 0) != 0 {
            return Ok(x.clone());
        }
        reduced = vec![true; rank];
    }
    let keep = n.attrs.int_or("keepdims", 1) != 0;
    let full: Vec<i64> = (0..rank)
        .map(|i| if reduced[i] { 1 } else { x.dims[i] })
        .collect();
    let dims: Vec<i64> = if keep {
        full.clone()
    } else {
        (0..rank)
            .filter(|&i| !reduced[i])
            .map(|i| x.dims[i])
            .collect()
    };
    let (values, ints) = match (vals(x), x.len() <= MAX_CONST_VALUES as u64) {
        (Some(v), true) => (floats(&v), matches!(v, Vals::Int(_))),
        _ => return Ok(Const::unknown(dims)),
    };
    let count = elements(&full);
    if count > MAX_CONST_VALUES {
        return Ok(Const::unknown(dims));
    }
    let out = reduced_values(n.op(), &x.dims, &reduced, &values, count);
    Ok(Const::build(dims, |_| {
        Some(if ints {
            Data::Int(out.iter().map(|&f| f as i64).collect())
        } else {
            Data::Float(out)
        })
    }))
}

/// `values` (of `dims`) reduced by `op` over the axes marked `reduced`, into `count`
/// values: each input element adds to the output element it reduces into.
fn reduced_values(
    op: &str,
    dims: &[i64],
    reduced: &[bool],
    values: &[f64],
    count: usize,
) -> Vec<f64> {
    let mut acc: Vec<Option<f64>> = vec![None; count];
    let mut seen = vec![0usize; count];
    for (i, &v) in values.iter().enumerate() {
        let (mut flat, mut out, mut stride) = (i, 0, 1);
        for d in (0..dims.len()).rev() {
            let size = dims[d].max(1) as usize;
            let k = flat % size;
            flat /= size;
            if !reduced[d] {
                out += k * stride;
                stride *= size;
            }
        }
        seen[out] += 1;
        acc[out] = Some(match (acc[out], op) {
            (None, _) => v,
            (Some(a), "ReduceProd") => a * v,
            (Some(a), "ReduceSum" | "ReduceMean") => a + v,
            (Some(a), "ReduceMin") => a.min(v),
            (Some(a), _) => a.max(v),
        });
    }
    let identity = if op == "ReduceProd" { 1.0 } else { 0.0 };
    (acc.iter().zip(&seen))
        .map(|(a, &s)| match (a, op) {
            (Some(a), "ReduceMean") => a / s as f64,
            (Some(a), _) => *a,
            (None, _) => identity,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::graph::{Graph, Readers};
    use super::super::proto::ModelProto;
    use super::super::value::{from_tensor, Act, Data, Value};
    use crate::model::Shape;
    use prost::Message;

    /// 1 500 random shape-arithmetic nodes evaluated by ONNX's reference implementation
    /// (`tests/onnx/make_fold.py`): the folded value of every output is ONNX's.
    #[test]
    fn folding_matches_the_onnx_reference_evaluator() {
        let bytes = include_bytes!("../../../tests/onnx/fold_cases.onnx");
        let model = ModelProto::decode(&bytes[..]).unwrap();
        let g = model.graph.as_ref().unwrap();
        let mut graph = Graph::new(
            g,
            "fold".into(),
            "x",
            Act::new(0, Shape::new(1, 1, 1)),
            17,
            Readers::new(g),
        )
        .unwrap();
        for (i, n) in g.node.iter().enumerate() {
            graph.node(i, n).unwrap_or_else(|e| panic!("{e}"));
        }
        let mut checked = 0;
        for t in g
            .initializer
            .iter()
            .filter(|t| t.name.starts_with("expect/"))
        {
            let name = &t.name["expect/".len()..];
            let want = from_tensor(t).unwrap();
            let Some(Value::Const(got)) = graph.value(name) else {
                panic!("{name} is not a constant");
            };
            let op = &g.node.iter().find(|n| n.output[0] == name).unwrap().op_type;
            assert_eq!(got.dims, want.dims, "{name} ({op}) dims");
            match (&got.data, &want.data) {
                (Data::Int(a), Data::Int(b)) => assert_eq!(a, b, "{name} ({op})"),
                _ => {
                    let (a, b) = (got.float_values(), want.float_values());
                    let (a, b) = (a.expect("known"), b.expect("known"));
                    assert_eq!(a.len(), b.len(), "{name} ({op})");
                    for (x, y) in a.iter().zip(&b) {
                        assert!(
                            (x - y).abs() <= 1e-5 * (1.0 + y.abs()),
                            "{name} ({op}): {a:?} vs {b:?}"
                        );
                    }
                }
            }
            checked += 1;
        }
        assert_eq!(checked, 1500);
    }
}
