// The side panel's figures and the page's fixed texts drawn from data: each algorithm's
// completion time, devices and blocks in its own labelled column (so a figure is never
// read as the other algorithm's), the sticky setting line shown at phone width, and the
// glossary of block cases from the one list the tooltips use.

import { CUSTOM } from './state.js';
import { CASES } from './cases.js';
import { devices as deviceCount, pct, seconds } from './format.js';
import { devicesText } from './cluster.js';

const $ = (id) => document.getElementById(id);

/** Both algorithms' figures, each in its labelled column; the columns drawn are marked,
 * and the phone's setting line follows (the same devices and the same rounding). */
export function showFigures(state, { mls, sls, saving }) {
  const set = (id, text) => { document.querySelector(`[data-testid=${id}]`).textContent = text; };
  for (const [plan, prefix] of [[mls, ''], [sls, 'sls-']]) {
    set(`${prefix}completion`, `${plan.completion_s.toPrecision(4)} s`);
    set(`${prefix}devices-used`, String(plan.devices));
    set(`${prefix}block-count`, String(plan.blocks.length));
    set(`${prefix}fps`, plan.throughput_fps.toPrecision(3));
  }
  const stream = state.objective === 'throughput';
  set('saving', pct(saving));
  set('saving-of', stream ? 'of the period' : 'of the time');
  $('figures').dataset.shown = state.algorithm;
  // The saving is of what the plans minimise, so the line quotes that.
  const mlsSaid = stream ? `a frame every ${seconds(mls.period_s)}` : seconds(mls.completion_s);
  $('mini-text').textContent = `${state.model === CUSTOM ? 'your model' : state.model} · ${devicesText(state)} · ${state.bandwidth} Mbps — MLS ${mlsSaid} on ${deviceCount(mls.devices)}, ${pct(saving)} under SLS`;
  $('h-chart-k').textContent = stream ? 'Period and time against devices (Fig. 8)' : 'Completion time against devices (Fig. 8)';
  $('h-chart-bandwidth').textContent = stream ? 'Period against bandwidth (Fig. 9)' : 'Completion time against bandwidth (Fig. 9)';
}

/** The case glossary under the system picture, from the one list the views use. */
export function fillCases() {
  $('case-list').replaceChildren(...Object.entries(CASES).flatMap(([name, text]) => {
    const dt = document.createElement('dt');
    const code = document.createElement('code');
    code.textContent = name;
    dt.append(code);
    const dd = document.createElement('dd');
    dd.textContent = text;
    return [dt, dd];
  }));
}
