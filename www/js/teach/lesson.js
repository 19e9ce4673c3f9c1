// Lesson links (like TensorFlow Playground's): `hide=` in the hash lists controls and
// views to hide, so a teacher can send a page with only what the lesson is about. A
// hidden control keeps its value (the state, and so the hash, still holds it); it is
// only out of sight, and locked: no button, tour step or editor changes it (a preset
// that sets a hidden value is hidden with it). The builder makes such a link from
// checkboxes.

import { toHash } from '../state.js';

/** Everything a lesson can hide: the id in `hide=`, what it is called, and its element. */
export const PARTS = [
  ['model', 'Model', () => control('model')],
  ['devices', 'Devices D', () => control('devices')],
  ['bandwidth', 'Bandwidth G', () => control('bandwidth')],
  ['gflops', 'Device speed F', () => control('gflops')],
  ['algorithm', 'Show MLS/SLS', () => control('algorithm')],
  ['objective', 'Plan for: one picture or a stream', () => control('objective')],
  ['rpi4', 'Raspberry Pi preset', () => $('rpi4')],
  ['cluster', 'Mixed devices', () => $('cluster')],
  ['view-system', 'How CoopAI runs a network', () => $('view-system')],
  ['view-network', 'Network and blocks', () => $('view-network')],
  ['view-explain', 'Explain this plan', () => $('explain')],
  ['view-dp', 'The DP table', () => $('view-dp')],
  ['view-fig8', 'Fig. 8 (devices)', () => $('view-chart-k')],
  ['view-fig9', 'Fig. 9 (bandwidth)', () => $('view-chart-bandwidth')],
  ['view-timeline', 'Rounds timeline', () => $('view-timeline')],
  ['view-halo', 'Halo view', () => $('view-halo')],
  ['view-fl', 'FL view', () => $('view-fl')],
  ['view-stream', 'Stream timeline', () => $('view-stream-timeline')],
];

/** Other names a hand-written link may use for the same parts. */
const ALIASES = { 'view-chart-k': 'view-fig8', 'view-chart-bandwidth': 'view-fig9', 'view-stream-timeline': 'view-stream' };

const $ = (id) => document.getElementById(id);
const control = (id) => $(id)?.closest('.control') ?? $(id);

/** The known ids of a `hide=` value, canonical and in `PARTS` order, and the unknown. */
export function readHide(value) {
  const asked = value ? value.split(',').map((id) => ALIASES[id] ?? id) : [];
  const known = PARTS.map(([id]) => id).filter((id) => asked.includes(id));
  const unknown = asked.filter((id) => !known.includes(id));
  return { known, unknown };
}

/** Parts hidden with another because they would change its value: the preset sets
 * the bandwidth and the speed, the cluster editor replaces the devices and the speed. */
const HIDDEN_WITH = { rpi4: ['bandwidth', 'gflops'], cluster: ['devices', 'gflops'] };

/** The state's fields a lesson link locks: each hidden control's, and the cluster's
 * when its editor is hidden (directly or with the devices or the speed). */
export function lockedFields(state) {
  const { known } = readHide(state.hide);
  const fields = known.filter((id) => ['model', 'devices', 'bandwidth', 'gflops', 'algorithm', 'objective'].includes(id));
  if (known.includes('cluster') || HIDDEN_WITH.cluster.some((id) => known.includes(id))) fields.push('cluster');
  return fields;
}

/** `change` without the fields the state's lesson link locks. */
export function unlocked(state, change) {
  const locked = lockedFields(state);
  return Object.fromEntries(Object.entries(change).filter(([key]) => !locked.includes(key)));
}

/** Hides the parts listed in the state, shows the rest, and says what is hidden. */
export function applyHide(state) {
  const { known, unknown } = readHide(state.hide);
  // A mixed cluster hides the devices and speed sliders too (cluster-panel.js).
  const byCluster = (id) => Boolean(state.cluster) && (id === 'devices' || id === 'gflops');
  const withOther = (id) => (HIDDEN_WITH[id] ?? []).some((other) => known.includes(other));
  for (const [id, , find] of PARTS) {
    const el = find();
    if (el) el.hidden = known.includes(id) || byCluster(id) || withOther(id);
  }
  const note = $('lesson-note');
  const names = PARTS.filter(([id]) => known.includes(id)).map(([, name]) => name);
  $('lesson-note-text').textContent = [
    names.length ? `This lesson hides: ${names.join(', ')}.` : '',
    unknown.length ? `Unknown parts in the link, ignored: ${unknown.join(', ')}.` : '',
  ].join(' ').trim();
  note.hidden = !names.length && !unknown.length;
  return known;
}

/** The link the builder's checkboxes describe, from the current setting. */
function lessonLink(state) {
  const hide = [...document.querySelectorAll('#lesson-parts input:checked')].map((b) => b.value).join(',');
  const tour = $('lesson-tour').checked ? 1 : 0;
  const base = `${location.origin}${location.pathname}`;
  return `${base}${toHash({ ...state, hide, tour })}`;
}

/** Builds the checkboxes; `current()` gives the state, `change(partial)` changes it. */
export function bindLesson(current, change) {
  const box = $('lesson-parts');
  const groups = [['Controls', PARTS.filter(([id]) => !id.startsWith('view-'))], ['Views', PARTS.filter(([id]) => id.startsWith('view-'))]];
  box.replaceChildren(...groups.map(([legend, parts]) => {
    const set = document.createElement('fieldset');
    const l = document.createElement('legend');
    l.textContent = legend;
    set.append(l, ...parts.map(([id, name]) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      Object.assign(input, { type: 'checkbox', value: id });
      input.dataset.testid = `lesson-hide-${id}`;
      label.append(input, ` ${name}`);
      return label;
    }));
    return set;
  }));
  const refresh = () => { $('lesson-link').value = lessonLink(current()); };
  box.addEventListener('change', refresh);
  $('lesson-tour').addEventListener('change', refresh);
  $('lesson-copy').addEventListener('click', () => {
    const done = (text) => { $('lesson-status').textContent = text; };
    $('lesson-link').select();
    navigator.clipboard?.writeText($('lesson-link').value)
      .then(() => done('Copied. It opens this setting with the ticked parts hidden.'), () => done('Copy the selected link.'))
      ?? done('Copy the selected link.');
  });
  $('lesson-try').addEventListener('click', () => {
    const hide = [...box.querySelectorAll('input:checked')].map((b) => b.value).join(',');
    change({ hide, tour: $('lesson-tour').checked ? 1 : 0 });
  });
  $('lesson-show-all').addEventListener('click', () => change({ hide: '' }));
  return refresh;
}

/** Ticks the builder's boxes for the parts hidden now. */
export function syncLesson(known) {
  for (const input of document.querySelectorAll('#lesson-parts input')) input.checked = known.includes(input.value);
}
