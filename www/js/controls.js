// Binds the form controls to the state: log sliders for rates, the value with units
// beside each slider (and as its aria-valuetext), and a change callback on `input`.

import { CUSTOM, FIELDS, RPI4, nice } from './state.js';
import { quantity } from './format.js';

const STEPS = 300;
const UNITS = { devices: 'devices', bandwidth: 'Mbps', gflops: 'GFLOPS' };

const $ = (id) => document.getElementById(id);

function toPosition(key, v) {
  const { min, max } = FIELDS[key];
  return Math.round((STEPS * Math.log(v / min)) / Math.log(max / min));
}

function fromPosition(key, p) {
  const { min, max } = FIELDS[key];
  return Math.min(max, Math.max(min, nice(min * (max / min) ** (p / STEPS))));
}

/** Fills the model list: the zoo, then the pasted model. */
export function setModels(names) {
  $('model').replaceChildren(...names.map((n) => new Option(n, n)), new Option('your own model…', CUSTOM));
}

/** Shows `state` in every control without firing change callbacks; a control already
 * showing its value is left alone (a drag moves one slider). */
export function showState(state) {
  $('model').value = state.model;
  $('algorithm').value = state.algorithm;
  $('objective').value = state.objective;
  for (const key of ['devices', 'bandwidth', 'gflops']) {
    const input = $(key);
    const text = key === 'devices' ? `${state.devices} devices` : quantity(state[key], UNITS[key]);
    const value = String(FIELDS[key].kind === 'log' ? toPosition(key, state[key]) : state[key]);
    if (input.value === value && input.getAttribute('aria-valuetext') === text) continue;
    input.value = value;
    input.setAttribute('aria-valuetext', text);
    $(`${key}-value`).textContent = text;
  }
}

/** Calls `onChange(partialState)` whenever a control moves. */
export function bindControls(onChange) {
  $('model').addEventListener('input', (e) => onChange({ model: e.target.value, round: 0 }));
  $('algorithm').addEventListener('input', (e) => onChange({ algorithm: e.target.value, round: 0 }));
  $('objective').addEventListener('input', (e) => onChange({ objective: e.target.value, round: 0 }));
  $('devices').addEventListener('input', (e) => onChange({ devices: Number(e.target.value) }));
  for (const key of ['bandwidth', 'gflops']) {
    Object.assign($(key), { min: 0, max: STEPS, step: 1 });
    $(key).addEventListener('input', (e) => onChange({ [key]: fromPosition(key, Number(e.target.value)) }));
  }
  $('rpi4').addEventListener('click', () => onChange({ ...RPI4 }));
}
