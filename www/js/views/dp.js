// The DP view: the table of eq. (2) for one k, as the core's DP filled it. Row j (top to
// bottom) holds every candidate last block b(i..j) the DP compared, one cell per first
// layer i (left to right); the stronger a cell's tone, the closer T(i−1) + e(i, j, k) came
// to the row's minimum T(j), and the accent cell is the one kept. Beside each row, T(j) as a bar.
// Below, the optimal chain traced back from T(L): the plan's blocks, one band each.
// A step-through shows the rows filled one j at a time, as the DP does.

import { el, svg, txt } from '../svg.js';
import { paintCells } from './dp-cells.js';
import { candidateOf, closeness } from '../worker/dp-pack.js';
import { textWidth, thinned } from './thin.js';
import { seconds } from '../format.js';
import { explainedPlan, hasTables, rowAt, table, tablePlans, viewK } from '../teach/engine.js';

/** How many rows the step-through has filled (Infinity: all, the default). */
let filled = Infinity;

export function setFilled(n) {
  filled = n;
}

export function getFilled() {
  return filled;
}

/** The table the view draws for the context (cached in the engine). */
export function dpFor(ctx) {
  const plan = explainedPlan(ctx);
  return table(ctx.state, plan.algorithm, viewK(ctx.state, plan));
}

/** Rows where T(j) fell below T(j − 1): on a branching model a round that ends inside a
 * branch must also upload what later layers still read, so ending at the join can be
 * cheaper. The first such row, or null. */
function firstFall(rows) {
  for (let r = 1; r < rows.length; r += 1) {
    if (rows[r].best_s < rows[r - 1].best_s && seconds(rows[r].best_s) !== seconds(rows[r - 1].best_s)) return r;
  }
  return null;
}

/** What the DP did at the last filled row, or how the table reads when full. */
function tableCaption(ctx) {
  const t = dpFor(ctx);
  const n = Math.min(getFilled(), t.rows.length);
  if (n >= t.rows.length) {
    const fall = firstFall(t.rows);
    const why = fall === null ? '' : ` T(j) is not always larger for a larger j: T(${t.rows[fall].last}) = ${seconds(t.rows[fall].best_s)} is less than T(${t.rows[fall - 1].last}) = ${seconds(t.rows[fall - 1].best_s)}. ` +
      'On a branching model a round that ends inside a branch must also upload every tensor a later layer still reads (the other branch\'s input) to the gateway; a round that ends where the branches join has nothing more to send.';
    return `Every row is filled. Reading back from T(${t.rows.at(-1).last}) = ${seconds(t.completion_s)}: ` +
      chainWords(t.chain) + '. Hover a cell for its compute, transfer and halo.' + why;
  }
  if (n === 0) return 'The table is empty: T(0) = 0, nothing computed yet. Press "Fill next row".';
  const row = t.rows[n - 1];
  const kept = row.candidates.find((c) => c.first === row.first && c.case === row.case);
  return `Row j = ${row.last}: ${row.count} candidate last blocks compared; the best starts at layer ${row.first} (${row.case}): ` +
    `T(${row.last}) = T(${row.first - 1}) + e(${row.first}, ${row.last}) = ${seconds(kept.before_s)} + ${seconds(kept.block_s)} = ${seconds(row.best_s)}.`;
}

/** In a stream the plans come from the throughput planner, not from eq. (2): say whose
 * table this is. */
function caption(ctx) {
  const text = tableCaption(ctx);
  if (ctx.state.objective !== 'throughput') return text;
  return `In a stream the plan is chosen for its period by another DP (over pairs of summed compute and transfer, docs/spec-stream.md); this is eq. (2) for MLS's plan for one picture, on ${ctx.latency.devices} device${ctx.latency.devices === 1 ? '' : 's'}. ${text}`;
}

/** The chain in words; a long one names its first and last blocks and how many between. */
function chainWords(chain) {
  const words = chain.map((b) => (b.first === b.last ? `layer ${b.first}` : `layers ${b.first}–${b.last}`));
  if (words.length <= 12) return words.join(', then ');
  return `${words.slice(0, 4).join(', then ')}, then ${words.length - 8} more blocks, then ${words.slice(-4).join(', then ')}`;
}

/** Whether the table the view draws is in (teach/engine.js asks for it when in sight). */
export function dpReady(ctx) {
  return hasTables(ctx.state, tablePlans(ctx));
}

/** The tone legend: the kept cell, then the shading from the row's best to 4× it. */
function toneLegend(x, y, theme) {
  let out = el('rect', { x, y: y - 9, width: 10, height: 10, fill: theme.accent, 'fill-opacity': 0.9 });
  out += txt({ x: x + 14, y, 'font-size': 11, fill: theme.muted }, 'kept');
  x += 48;
  out += txt({ x, y, 'font-size': 11, fill: theme.muted }, 'T(i−1) + e at the row\'s best');
  x += textWidth('T(i−1) + e at the row\'s best') + 6;
  for (const total of [1, 1.25, 1.6, 2.2, 4]) {
    out += el('rect', { x, y: y - 9, width: 10, height: 10, fill: theme.compute, 'fill-opacity': closeness(total, 1).toFixed(3), 'data-testid': 'dp-tone', 'data-times': total });
    x += 12;
  }
  out += txt({ x: x + 4, y, 'font-size': 11, fill: theme.muted }, '4× the best or more');
  return out;
}

export function renderDp(ctx) {
  const { net, theme } = ctx;
  const plan = explainedPlan(ctx);
  const t = dpFor(ctx);
  const L = net.layers.length;
  const rows = t.rows;
  const shownRows = Math.min(filled, rows.length);
  // Whole units while a cell is at least 3 wide; past 173 layers a cell is a fraction of
  // a unit and the grid stays 520 wide (a large table's cells are one image: dp-cells.js).
  const raw = 520 / L;
  const cell = Math.min(24, raw >= 3 ? Math.floor(raw) : raw);
  const [left, top] = [44, 72];
  const gridW = cell * L;
  const barX = left + gridW + 16;
  const barW = 160;
  const rowY = (j) => top + (j - 1) * cell;
  const colX = (i) => left + (i - 1) * cell;
  const tMax = Math.max(...rows.map((r) => r.best_s));
  // T(j) beside every row when rows are tall enough, else beside a round-numbered few.
  const labelled = new Set(cell >= 11 ? rows.map((r) => r.last) : thinned(L, cell, 13));
  const tLabel = (row) => `T(${row.last}) = ${seconds(row.best_s)} · i = ${row.first}`;
  const labelW = Math.max(textWidth('T(j), kept first layer i'),
    ...rows.filter((r) => labelled.has(r.last)).map((r) => textWidth(tLabel(r))));
  // Wide enough for the longest T(j) label: none is cut off.
  const width = Math.max(760, Math.ceil(barX + barW + 6 + labelW + 8));
  let out = '';

  // Axes: first layer i across, end layer j down; numbers thinned so none overprint.
  out += txt({ x: left, y: 16, 'font-weight': 600 },
    `${plan.algorithm.toUpperCase()}, k = ${t.k}: T(j) = min over i of T(i−1) + e(i, j, k)`);
  out += txt({ x: left, y: 32, 'font-size': 11, fill: theme.muted },
    `across: first layer i · down: end layer j · ${rows.reduce((n, r) => n + r.count, 0)} candidate blocks compared`);
  out += toneLegend(left, 50, theme);
  for (const n of thinned(L, cell, textWidth(L) + 6)) {
    out += txt({ x: colX(n) + cell / 2, y: top + gridW + 12, 'text-anchor': 'middle', 'font-size': 11, fill: theme.muted }, n);
  }
  for (const n of thinned(L, cell, 12)) {
    out += txt({ x: left - 4, y: rowY(n) + cell / 2 + 4, 'text-anchor': 'end', 'font-size': 11, fill: theme.muted, 'data-layer': n }, n);
  }
  out += el('rect', { x: left, y: top, width: gridW, height: gridW, fill: 'none', stroke: theme.grid });
  out += paintCells(t, shownRows, { at: (i, j) => [colX(i), rowY(j)], cell, layers: L }, theme);

  // The bars of T(j) as one path (a 300-layer table has 300), each row's kept cell a shape.
  let bars = '';
  rows.forEach((row, r) => {
    const j = row.last;
    const y = rowY(j);
    if (r >= shownRows) {
      out += el('rect', { x: colX(1), y, width: cell * j, height: cell, fill: 'none', stroke: theme.grid, 'stroke-dasharray': '2 2' });
      return;
    }
    // The kept cell: one stop of the drawing's arrow keys, its words written on focus.
    out += el('rect', {
      x: colX(row.first) + 0.5, y: y + 0.5, width: Math.max(1, cell - 1), height: Math.max(1, cell - 1),
      fill: theme.accent, 'fill-opacity': 0.9, 'data-first': row.first, 'data-j': j, 'data-cell': '', 'data-kept': '',
      'data-layer': j, 'data-tip': '', tabindex: -1, role: 'img',
    });
    if (r === shownRows - 1 && shownRows < rows.length) {
      out += el('rect', { x: left - 2, y: y - 1, width: gridW + 4, height: cell + 2, fill: 'none', stroke: theme.accent, 'stroke-width': 2 });
    }
    // T(j) as a bar, labelled in a column beside the longest when there is room.
    const w = Math.max(1, (barW * row.best_s) / tMax);
    const gap = cell >= 3 ? 1 : 0;
    bars += `M${barX},${y + gap}h${w.toFixed(2)}v${Math.max(cell - 2 * gap, 0.5).toFixed(2)}h${(-w).toFixed(2)}z`;
    if (labelled.has(j)) {
      out += txt({ x: barX + barW + 6, y: y + cell / 2 + 4, 'font-size': 11, fill: theme.muted, 'data-layer': j }, tLabel(row));
    }
  });
  out += el('path', { d: bars, fill: theme.transfer });
  out += txt({ x: barX + barW + 6, y: top - 10, 'font-size': 11, fill: theme.muted }, 'T(j), kept first layer i');

  // The optimal chain, traced back from T(L) once every row is filled.
  let y = top + gridW + 24;
  if (shownRows >= rows.length) {
    let trace = '';
    let rings = '';
    for (const b of t.chain) {
      const cx = colX(b.first) + cell / 2;
      const cy = rowY(b.last) + cell / 2;
      trace += `${trace ? 'L' : 'M'}${cx},${cy}`;
      rings += `M${colX(b.first) - 1},${rowY(b.last) - 1}h${cell + 2}v${cell + 2}h${-cell - 2}z`;
    }
    out += el('path', { d: rings, fill: 'none', stroke: theme.fg, 'stroke-width': cell >= 3 ? 2 : 1 });
    out += el('path', { d: trace, fill: 'none', stroke: theme.fg, 'stroke-width': 1.5, 'stroke-dasharray': '4 3' });
    out += txt({ x: 4, y: y + 14, 'font-size': 11, 'font-weight': 600 }, 'chain');
    const byLast = new Map(rows.map((r) => [r.last, r]));
    t.chain.forEach((b, n) => {
      const x = colX(b.first);
      const w = colX(b.last) + cell - x;
      const row = byLast.get(b.last);
      const c = candidateOf(t, row, b.first, b.case);
      const text = `R${n + 1} · ${b.case}`;
      const short = `R${n + 1}`;
      // Linked to the plan's rounds only when this is the plan's k.
      const linked = t.k === plan.devices ? { 'data-round': n + 1, 'data-plan': plan.algorithm } : {};
      const tipText = `Round ${n + 1}: layers ${b.first}–${b.last} (${b.case}), e = ${seconds(c.block_s)}; T(${b.last}) = T(${b.first - 1}) + e = ${seconds(row.best_s)}`;
      out += el('g', {
        'data-testid': 'dp-block', 'data-first': b.first, 'data-last': b.last, ...linked,
        tabindex: -1, role: 'img', 'data-tip': tipText, 'aria-label': `Round ${n + 1}: layers ${b.first} to ${b.last}, ${b.case}`,
      },
      el('rect', { x: x + 0.5, y, width: Math.max(1, w - 1), height: 20, rx: Math.min(3, w / 3), fill: theme.band, stroke: theme.fg, 'stroke-opacity': 0.55 }) +
        txt({ x: x + w / 2, y: y + 14, 'text-anchor': 'middle', fill: theme.fg, 'font-size': 11 },
          w > textWidth(text) + 4 ? text : w > textWidth(short) + 4 ? short : ''));
    });
    out += txt({ x: barX, y: y + 14, 'font-size': 11 }, `T(${L}) = ${seconds(t.completion_s)} in ${t.chain.length} rounds`);
    y += 30;
  } else {
    out += txt({ x: left, y: y + 14, 'font-size': 11, fill: theme.muted }, `Filled ${shownRows} of ${rows.length} rows; the chain is traced back from T(${L}) once every row is known.`);
    y += 30;
  }
  return { svg: svg(width, y, `The dynamic program for k = ${t.k}`, out, theme), caption: [caption(ctx)] };
}

/** While the table of a new setting is computed: says so in the caption (views.js dims
 * the drawing, which shows an earlier setting's table). */
export function waitDp(_, ctx) {
  const caption = document.querySelector('[data-caption="dp"]');
  const text = `Computing the DP table for k = ${viewK(ctx.state, explainedPlan(ctx))}…`;
  // Said once (the caption is a live region), not on every slider event.
  if (caption.textContent !== text) caption.textContent = text;
}

/** The words for a cell, built on hover or focus (a table can hold thousands). */
export function cellTip(t, j, first, k) {
  const row = rowAt(t, j);
  if (!row) return '';
  const parts = row.candidates.filter((c) => c.first === first).map((c) => {
    const halo = c.halo_flops > 0 ? ` (halo ≈ ${seconds(c.halo_s)} of it per device)` : '';
    return `${c.case}: T(${first - 1}) ${seconds(c.before_s)} + e ${seconds(c.block_s)} = ${seconds(c.total_s)}; e = compute ${seconds(c.compute_s)}${halo} + transfer ${seconds(c.transfer_s)}`;
  });
  const kept = row.first === first ? ' — kept: this is T(j)' : ` — T(${j}) = ${seconds(row.best_s)} is lower`;
  return `Block b(${first}..${j}) on ${k} devices${kept}. ${parts.join('; ')}`;
}
