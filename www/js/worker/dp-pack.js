// The DP table's trip from the worker to the page. A 300-layer table holds about 46,000
// candidate blocks; posted as objects, the page spent 0.2–0.9 s (measured under load)
// just reading them out of the message, in one task. Packed here into one typed array per
// field, they cross as plain memory, and the page makes a row's objects only when
// something reads that row (`candidates`), which the views avoid on large tables.

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
  return { ...table, rows, packed: { cases, first, case: kase, ...cols } };
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
