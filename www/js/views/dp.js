// The DP view: the table of eq. (2) for one k, as the core's DP filled it. Row j (top to
// bottom) holds every candidate last block b(i..j) the DP compared, one cell per first
// layer i (left to right); the darker a cell, the closer T(i−1) + e(i, j, k) came to the
// row's minimum T(j), and the ringed cell is the one kept. Beside each row, T(j) as a bar.
// Below, the optimal chain traced back from T(L): the plan's blocks, one band each.
// A step-through shows the rows filled one j at a time, as the DP does.

import { el, svg, txt } from '../svg.js';
import { seconds } from '../format.js';
import { hasTables, table, viewK } from '../teach/engine.js';

/** How many rows the step-through has filled (Infinity: all, the default). */
let filled = Infinity;

export function setFilled(n) {
  filled = n;
}

export function getFilled() {
  return filled;
}

/** The plan the view explains: the first one shown. */
export function dpPlan({ shown, mls, sls }) {
  return shown[0] === 'sls' ? sls : mls;
}

/** The table the view draws for the context (cached in the engine). */
export function dpFor(ctx) {
  const plan = dpPlan(ctx);
  return table(ctx.state, plan.algorithm, viewK(ctx.state, plan));
}

/** What the DP did at the last filled row, or how the table reads when full. */
function caption(ctx) {
  const t = dpFor(ctx);
  const n = Math.min(getFilled(), t.rows.length);
  if (n >= t.rows.length) {
    return `Every row is filled. Reading back from T(${t.rows.at(-1).last}) = ${seconds(t.completion_s)}: ` +
      t.chain.map((b) => (b.first === b.last ? `layer ${b.first}` : `layers ${b.first}–${b.last}`)).join(', then ') +
      '. Hover a cell for its compute, transfer and halo.';
  }
  if (n === 0) return 'The table is empty: T(0) = 0, nothing computed yet. Press "Fill next row".';
  const row = t.rows[n - 1];
  const kept = row.candidates.find((c) => c.first === row.first && c.case === row.case);
  return `Row j = ${row.last}: ${row.candidates.length} candidate last blocks compared; the best starts at layer ${row.first} (${row.case}): ` +
    `T(${row.last}) = T(${row.first - 1}) + e(${row.first}, ${row.last}) = ${seconds(kept.before_s)} + ${seconds(kept.block_s)} = ${seconds(row.best_s)}.`;
}

/** Whether the table the view draws is in (teach/engine.js asks for it when in sight). */
export function dpReady(ctx) {
  return hasTables(ctx.state, ctx);
}

/** Cell shading: 1 for the row's minimum, fading as T(i−1)+e grows to 4× it. */
function closeness(total, best) {
  if (!(best > 0)) return 1;
  return Math.max(0.06, 1 - Math.log(total / best) / Math.log(4));
}

export function renderDp(ctx) {
  const { net, theme } = ctx;
  const plan = dpPlan(ctx);
  const t = dpFor(ctx);
  const L = net.layers.length;
  const rows = t.rows;
  const shownRows = Math.min(filled, rows.length);
  const cell = Math.max(3, Math.min(24, Math.floor(520 / L)));
  const [left, top] = [44, 58];
  const gridW = cell * L;
  const barX = left + gridW + 16;
  const barW = 200;
  const width = Math.max(760, barX + barW + 120);
  const rowY = (j) => top + (j - 1) * cell;
  const colX = (i) => left + (i - 1) * cell;
  const tMax = Math.max(...rows.map((r) => r.best_s));
  const label = cell >= 11;
  let out = '';

  // Axes: first layer i across, end layer j down.
  out += txt({ x: left, y: 16, 'font-weight': 600 },
    `${plan.algorithm.toUpperCase()}, k = ${t.k}: T(j) = min over i of T(i−1) + e(i, j, k)`);
  out += txt({ x: left, y: 32, 'font-size': 11, fill: theme.muted },
    `across: first layer i · down: end layer j · ${rows.reduce((n, r) => n + r.candidates.length, 0)} candidate blocks compared`);
  const every = Math.ceil(12 / cell);
  for (let n = 1; n <= L; n += 1) {
    if ((n - 1) % every && n !== L) continue;
    out += txt({ x: colX(n) + cell / 2, y: top + gridW + 12, 'text-anchor': 'middle', 'font-size': 11, fill: theme.muted }, n);
    out += txt({ x: left - 4, y: rowY(n) + cell / 2 + 3, 'text-anchor': 'end', 'font-size': 11, fill: theme.muted, 'data-layer': n }, n);
  }
  out += el('rect', { x: left, y: top, width: gridW, height: gridW, fill: 'none', stroke: theme.grid });

  rows.forEach((row, r) => {
    const j = row.last;
    const y = rowY(j);
    if (r >= shownRows) {
      out += el('rect', { x: colX(1), y, width: cell * j, height: cell, fill: 'none', stroke: theme.grid, 'stroke-dasharray': '2 2' });
      return;
    }
    // One cell per first layer: the fastest case there (FL rows try data and model).
    const byFirst = new Map();
    for (const c of row.candidates) {
      const had = byFirst.get(c.first);
      if (!had || c.total_s < had.total_s) byFirst.set(c.first, c);
    }
    let cells = '';
    for (const [i, c] of byFirst) {
      const kept = i === row.first;
      cells += el('rect', {
        x: colX(i) + 0.5, y: y + 0.5, width: cell - 1, height: cell - 1,
        fill: kept ? theme.accent : theme.compute, 'fill-opacity': kept ? 0.9 : closeness(c.total_s, row.best_s).toFixed(3),
        'data-first': i, 'data-j': j, 'data-cell': '',
        ...(kept ? { tabindex: 0, 'data-kept': '', 'data-tip': cellTip(t, j, i, t.k) } : {}),
      });
    }
    const current = r === shownRows - 1 && shownRows < rows.length;
    out += el('g', { 'data-row': j, 'data-layer': j }, cells);
    if (current) out += el('rect', { x: left - 2, y: y - 1, width: gridW + 4, height: cell + 2, fill: 'none', stroke: theme.accent, 'stroke-width': 2 });
    // T(j) as a bar, with the kept block when there is room.
    const w = Math.max(1, (barW * row.best_s) / tMax);
    out += el('rect', { x: barX, y: y + 1, width: w, height: Math.max(1, cell - 2), fill: theme.transfer, 'data-layer': j });
    if (label) {
      out += txt({ x: barX + w + 4, y: y + cell / 2 + 4, 'font-size': 11, fill: theme.muted },
        `T(${j}) = ${seconds(row.best_s)} · i = ${row.first}`);
    }
  });
  out += txt({ x: barX, y: top - 6, 'font-size': 11, fill: theme.muted }, 'T(j), kept first layer i');

  // The optimal chain, traced back from T(L) once every row is filled.
  let y = top + gridW + 24;
  if (shownRows >= rows.length) {
    let trace = '';
    let prev = null;
    for (const b of t.chain) {
      const cx = colX(b.first) + cell / 2;
      const cy = rowY(b.last) + cell / 2;
      if (prev) trace += `L${cx},${cy}`;
      else trace += `M${cx},${cy}`;
      prev = b;
      out += el('rect', { x: colX(b.first) - 1, y: rowY(b.last) - 1, width: cell + 2, height: cell + 2, fill: 'none', stroke: theme.fg, 'stroke-width': 2 });
    }
    out += el('path', { d: trace, fill: 'none', stroke: theme.fg, 'stroke-width': 1.5, 'stroke-dasharray': '4 3' });
    out += txt({ x: 4, y: y + 14, 'font-size': 11, 'font-weight': 600 }, 'chain');
    t.chain.forEach((b, n) => {
      const x = colX(b.first);
      const w = colX(b.last) + cell - x;
      const row = rows.find((r) => r.last === b.last);
      const c = row.candidates.find((cand) => cand.first === b.first && cand.case === b.case);
      const text = `R${n + 1} · ${b.case}`;
      // Linked to the plan's rounds only when this is the plan's k.
      const linked = t.k === plan.devices ? { 'data-round': n + 1, 'data-plan': plan.algorithm } : {};
      out += el('g', {
        'data-testid': 'dp-block', 'data-first': b.first, 'data-last': b.last, ...linked,
        tabindex: 0, role: 'img',
        'data-tip': `Round ${n + 1}: layers ${b.first}–${b.last} (${b.case}), e = ${seconds(c.block_s)}; T(${b.last}) = T(${b.first - 1}) + e = ${seconds(row.best_s)}`,
        'aria-label': `Round ${n + 1}: layers ${b.first} to ${b.last}, ${b.case}`,
      },
      el('rect', { x: x + 0.5, y, width: Math.max(1, w - 1), height: 20, rx: 3, fill: theme.band, stroke: theme.fg, 'stroke-opacity': 0.55 }) +
        txt({ x: x + w / 2, y: y + 14, 'text-anchor': 'middle', fill: theme.fg, 'font-size': 11 }, w > text.length * 5.6 ? text : w > 22 ? `R${n + 1}` : ''));
    });
    out += txt({ x: barX, y: y + 14, 'font-size': 11 }, `T(${L}) = ${seconds(t.completion_s)} in ${t.chain.length} rounds`);
    y += 30;
  } else {
    out += txt({ x: left, y: y + 14, 'font-size': 11, fill: theme.muted }, `Filled ${shownRows} of ${rows.length} rows; the chain is traced back from T(${L}) once every row is known.`);
    y += 30;
  }
  return { svg: svg(width, y, `The dynamic program for k = ${t.k}`, out, theme), caption: [caption(ctx)] };
}

/** The words for a cell, built on hover or focus (a table can hold thousands). */
export function cellTip(t, j, first, k) {
  const row = t.rows.find((r) => r.last === j);
  if (!row) return '';
  const parts = row.candidates.filter((c) => c.first === first).map((c) => {
    const halo = c.halo_flops > 0 ? ` (halo ≈ ${seconds(c.halo_s)} of it per device)` : '';
    return `${c.case}: T(${first - 1}) ${seconds(c.before_s)} + e ${seconds(c.block_s)} = ${seconds(c.total_s)}; e = compute ${seconds(c.compute_s)}${halo} + transfer ${seconds(c.transfer_s)}`;
  });
  const kept = row.first === first ? ' — kept: this is T(j)' : ` — T(${j}) = ${seconds(row.best_s)} is lower`;
  return `Block b(${first}..${j}) on ${k} devices${kept}. ${parts.join('; ')}`;
}
