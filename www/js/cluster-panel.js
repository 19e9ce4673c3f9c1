// The cluster editor beside the sliders: "a mixed cluster" replaces the devices and
// speed sliders with a list of device groups (count, speed, memory; add from a board
// preset, remove). Each edit is solved before it is shown, as a pasted model is: a
// cluster the core refuses (nothing fits in memory, too much work) shows the core's
// message next to the editor while the last cluster that solved stays drawn. Values
// are read by the same rules as the URL hash (cluster.js), clamped when a field is left.

import {
  LIMITS, PRESETS, clampField, deviceCount, formatCluster, parseCluster, presetOf,
} from './cluster.js';

const $ = (id) => document.getElementById(id);
const FIELDS = ['count', 'gflops', 'memory'];

/** The groups of the state's cluster, as the rows show them (a field being typed into
 * may show a value not taken yet: invalid, or refused by the core). */
let groups = [];
/** `accept(shortForm)` solves and draws it, resolving to null, or the error it met. */
let accept;
/** The cluster the views show (the state's): what the rows go back to on a refusal. */
let applied = '';
const STALE = 'The views still show the last cluster that could be solved.';
/** `toggle(on)` switches between the sliders and the editor, resolving as `accept`. */
let toggle;

function show(id, text) {
  $(id).textContent = text;
  $(id).hidden = !text;
}

function room(except) {
  return LIMITS.devices - deviceCount(groups.filter((_, i) => i !== except));
}

const fieldText = (g, key) => (g[key] === null ? '' : String(g[key]));

/** One row per group, from the template; every listener is bound here (no inline
 * handlers, for the CSP). */
function renderRows() {
  const rows = groups.map((g, i) => {
    const li = $('cluster-row').content.firstElementChild.cloneNode(true);
    for (const key of FIELDS) {
      const input = li.querySelector(`.${key}`);
      input.value = fieldText(g, key);
      input.setAttribute('aria-label', `group ${i + 1}: ${{ count: 'how many devices', gflops: 'speed in GFLOPS', memory: 'memory in MB, empty for no limit' }[key]}`);
      input.addEventListener('input', () => edit(i, key, input, false));
      input.addEventListener('change', () => edit(i, key, input, true));
    }
    const remove = li.querySelector('.remove');
    remove.setAttribute('aria-label', `remove group ${i + 1}`);
    remove.disabled = groups.length === 1;
    remove.addEventListener('click', async () => {
      groups = groups.filter((_, j) => j !== i);
      await commit();
      renderRows();
    });
    li.querySelector('.preset-name').textContent = presetOf(g)?.name ?? '';
    return li;
  });
  $('cluster-groups').replaceChildren(...rows);
  showSummary();
}

/** How many devices, and the same cluster for the command line; no adding past the
 * page's 32 devices. */
function showSummary() {
  const n = deviceCount(groups);
  $('cluster-add').disabled = n >= LIMITS.devices;
  const code = document.createElement('code');
  code.textContent = `--cluster ${formatCluster(groups)}`;
  $('cluster-summary').replaceChildren(`${n} device${n === 1 ? '' : 's'}; the CLI’s `, code);
}

/** A field typed into (`done` false) or left (`done` true). While typing, a value that
 * does not read or is out of range is only flagged; leaving the field clamps it. */
async function edit(i, key, input, done) {
  const f = clampField(key, input.value, room(i));
  const bad = f.value === null && !(key === 'memory' && input.value.trim() === '');
  if (!done && (bad || f.out)) {
    input.setAttribute('aria-invalid', 'true');
    show('cluster-error', `${f.note}${bad ? '' : ` (leave the field to use ${f.value})`}.`);
    return;
  }
  input.removeAttribute('aria-invalid');
  if (bad) {
    input.value = fieldText(groups[i], key);
    show('cluster-error', '');
    show('cluster-status', `${f.note}, kept ${input.value || 'no limit'}.`);
    return;
  }
  if (done && f.note) {
    input.value = fieldText({ [key]: f.value }, key);
    show('cluster-status', `${f.note}.`);
  }
  const before = formatCluster(groups);
  groups = groups.map((g, j) => (j === i ? { ...g, [key]: f.value } : g));
  if (formatCluster(groups) === before) {
    // Left with the value a refusal already put back: the field shows what is applied.
    if (done) syncFields();
    return;
  }
  await commit();
  // A field left shows what was applied; one being typed into keeps its text.
  syncFields(done ? null : input);
  showSummary();
}

/** Every field shows its group's value, but `typing` (the field being typed into). */
function syncFields(typing = null) {
  const rows = $('cluster-groups').children;
  groups.forEach((g, i) => {
    for (const key of FIELDS) {
      const input = rows[i]?.querySelector(`.${key}`);
      if (input && input !== typing) input.value = fieldText(g, key);
    }
    if (rows[i]) rows[i].querySelector('.preset-name').textContent = presetOf(g)?.name ?? '';
  });
}

/** Solves the groups on screen; on refusal shows the core's message by the editor and
 * puts back the groups the views show (the state's cluster: an edit superseded by this
 * one was never applied either). Resolves to whether the groups were accepted. */
async function commit() {
  const refused = await accept(formatCluster(groups));
  if (refused) {
    groups = parseCluster(applied).groups;
    show('cluster-error', refused.message);
    show('cluster-status', STALE);
    return false;
  }
  show('cluster-error', '');
  if ($('cluster-status').textContent === STALE) show('cluster-status', '');
  return true;
}

async function addPreset() {
  const p = PRESETS.find((x) => x.id === $('cluster-preset').value);
  groups = [...groups, { count: 1, gflops: p.gflops, memory: p.memory }];
  if (await commit()) show('cluster-status', `Added a ${p.name}: ${p.source}`);
  renderRows();
}

/** Fills the presets and their sources, and binds the switch and the add button;
 * `onCluster` is as {@link accept}, `onToggle(on)` switches mode. */
export function bindCluster(onCluster, onToggle) {
  accept = onCluster;
  toggle = onToggle;
  $('cluster-preset').replaceChildren(...PRESETS.map((p) => new Option(`${p.name}: ${p.gflops} GFLOPS, ${p.memory} MB`, p.id)));
  $('cluster-sources').replaceChildren(...PRESETS.map((p) => {
    const li = document.createElement('li');
    const b = document.createElement('b');
    b.textContent = `${p.name}, ${p.gflops} GFLOPS, ${p.memory} MB. `;
    li.append(b, p.source);
    return li;
  }));
  $('cluster-add').addEventListener('click', addPreset);
  $('cluster-on').addEventListener('input', async (e) => {
    show('cluster-error', '');
    show('cluster-status', '');
    const refused = await toggle(e.target.checked);
    if (refused) {
      e.target.checked = !e.target.checked;
      show('cluster-error', refused.message);
    }
  });
}

/** Shows the state's cluster: the switch, the sliders it replaces, and the rows. While
 * the focus is in the rows and they hold the state's cluster they are left alone, so a
 * field keeps its focus and text while typing; otherwise they are rebuilt, which also
 * drops a value the core refused once another control moves. */
export function showCluster(state) {
  const on = Boolean(state.cluster);
  show('cluster-error', '');
  $('cluster-on').checked = on;
  $('cluster-editor').hidden = !on;
  for (const id of ['devices', 'gflops']) $(id).closest('.control').hidden = on;
  if (!on) {
    groups = [];
    return;
  }
  applied = state.cluster;
  const typing = $('cluster-groups').contains(document.activeElement);
  if (!typing || formatCluster(groups) !== state.cluster) {
    groups = parseCluster(state.cluster).groups;
    renderRows();
  }
}

/** A refusal met by another control (a model too big for the devices' memory) is also
 * shown by the editor, when it is on, since the cluster is what to change. */
export function showClusterError(message) {
  if ($('cluster-on').checked) show('cluster-error', message);
}

/** A cluster from the address that the core refuses (memory, work) is dropped with a
 * note, so the page opens on the sliders' plan rather than on nothing. */
export async function readLinkCluster(state, notes, solve) {
  if (!state.cluster) return;
  try {
    await solve(state);
  } catch (e) {
    notes.push(`the cluster ${state.cluster} was refused (${e.message}), using ${state.devices} equal devices`);
    state.cluster = '';
  }
}
