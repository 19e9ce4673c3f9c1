// The DP table's trip from the worker to the page. A 300-layer table holds about 46,000
// candidate blocks; posted as objects, the page spent 0.2–0.9 s (measured under load)
// just reading them out of the message, in one task. Packed here into one typed array per
// field, they cross as plain memory, and the page makes a row's objects only when
// something reads that row (`candidates`), which the views avoid on large tables. The
// DP view's cells (one per first layer of a row, shaded) are worked out here too.

const FIELDS = ['before_s', 'block_s', 'compute_s', 'transfer_s', 'halo_flops', 'halo_s', 'total_s'];

/** In the worker: the core's table with its candidates as columns. */
export function pack(table) {
  const n = table.rows.reduce((s, r) => s + r.candidates.length, 0);
  const cases = [];
  const first = new Int32Array(n);
  const kase = new Uint8Array(n);
  const cols = Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(n)]));
  let at = 0;
  const rows = table.rows.map(({ candidates, ...row }) => {
    const start = at;
    for (const c of candidates) {
      first[at] = c.first;
      let k = cases.indexOf(c.case);
      if (k < 0) k = cases.push(c.case) - 1;
      kase[at] = k;
      for (const f of FIELDS) cols[f][at] = c[f];
      at += 1;
    }
    return { ...row, start, count: candidates.length };
  });
  const packed = { cases, first, case: kase, ...cols };
  return { ...table, rows, packed, cells: cellsOf(rows, packed) };
}

/** Cell shading in the DP view: 1 for the row's minimum, fading as T(i−1)+e grows to 4×. */
export function closeness(total, best) {
  if (!(best > 0)) return 1;
  return Math.max(0.06, 1 - Math.log(total / best) / Math.log(4));
}

/** The DP view's cells, row by row: one per first layer i of a row (the fastest case
 * there: FL rows try data and model), as columns: i, j, whether it is the kept one, and
 * its shading; each row's `cellsEnd` is where its cells end. */
function cellsOf(rows, p) {
  const most = p.first.length;
  const [i, j, strength, kept] = [new Int32Array(most), new Int32Array(most), new Float32Array(most), new Uint8Array(most)];
  let n = 0;
  for (const row of rows) {
    const best = new Float64Array(row.last + 1).fill(Infinity);
    for (let c = row.start; c < row.start + row.count; c += 1) best[p.first[c]] = Math.min(best[p.first[c]], p.total_s[c]);
    for (let first = 1; first <= row.last; first += 1) {
      if (best[first] === Infinity) continue;
      i[n] = first;
      j[n] = row.last;
      kept[n] = first === row.first ? 1 : 0;
      strength[n] = kept[n] ? 1 : closeness(best[first], row.best_s);
      n += 1;
    }
    row.cellsEnd = n;
  }
  return { i, j, strength, kept };
}

/** On the page: the packed table, each row's `candidates` made on first read. */
export function unpack(table) {
  const p = table.packed;
  for (const row of table.rows) {
    let made;
    Object.defineProperty(row, 'candidates', {
      get() {
        made ??= Array.from({ length: row.count }, (_, n) => candidateAt(p, row.start + n));
        return made;
      },
    });
  }
  return table;
}

function candidateAt(p, i) {
  const c = { first: p.first[i], case: p.cases[p.case[i]] };
  for (const f of FIELDS) c[f] = p[f][i];
  return c;
}

/** Calls `visit(first, total_s)` for each candidate of `row`, making no objects. */
export function eachTotal(table, row, visit) {
  const p = table.packed;
  for (let i = row.start; i < row.start + row.count; i += 1) visit(p.first[i], p.total_s[i]);
}

/** The candidate of `row` starting at `first` (of case `kase`, or the fastest of any
 * case), or null, making only that object. */
export function candidateOf(table, row, first, kase) {
  const p = table.packed;
  let best = -1;
  for (let i = row.start; i < row.start + row.count; i += 1) {
    if (p.first[i] !== first) continue;
    if (kase !== undefined ? p.cases[p.case[i]] === kase : best < 0 || p.block_s[i] < p.block_s[best]) best = i;
  }
  return best < 0 ? null : candidateAt(p, best);
}
