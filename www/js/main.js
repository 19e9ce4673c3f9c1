// Starts the page: starts the wasm core's worker, reads the state from the URL hash, and
// on every control `input` asks the worker to re-solve MLS and SLS, then redraws the
// views on screen when the answer arrives. Only the newest setting is drawn: an older
// answer that arrives late is dropped (`generation`), and the worker drops the older
// solve itself. The bandwidth sweep (Fig. 9) follows each solve.

import { CUSTOM, FIELDS, parseHash, toHash } from './state.js';
import { start, network, solve, tables, cachedSweep, sweep, sweepRefusal, readModel, modelJson, Superseded, droppedCount } from './engine.js';
import { begin, report, end } from './progress.js';
import { hasTables, tablePlans, tablesFor } from './teach/engine.js';
import { bindImport, readNow, showImport, showLinkNote } from './import-panel.js';
import { setModels, showState, bindControls } from './controls.js';
import { readTheme } from './svg.js';
import { installTooltip } from './tooltip.js';
import { bindExports } from './export.js';
import { writeHash } from './hash.js';
import { drawView, drawViews, drawStale, setContext, tablesInSight, watchViews, viewsSettled } from './views.js';
import { convBlocks, layerSpan, pickConvBlock } from './views/halo.js';
import { bindHaloWindow } from './views/halo-window.js';
import { bindTimelineZoom } from './views/timeline-zoom.js';
import { openingFor, openingNote } from './teaching.js';
import { fillCases, showFigures } from './figures.js';
import { bindCluster, showCluster, showClusterError, readLinkCluster } from './cluster-panel.js';
import { installTeach, updateTeach } from './teach/index.js';
import { lockedFields, unlocked } from './teach/lesson.js';
import { showSingle } from './single-device.js';
import { bindAnchors, followAnchor } from './anchors.js';
import { tourReadsTable } from './teach/tour.js';

const $ = (id) => document.getElementById(id);
/** The setting the controls show (it may be ahead of the one drawn). */
let state;
/** The setting drawn and its plans. */
let painted;
let result;
/** Counts updates, so that only the newest one draws. */
let generation = 0;
let theme;
let sweepTimer;
/** Phone width: the FL view stacks its panels. */
const narrowQuery = matchMedia('(max-width: 800px)');

function showMessage(id, text) {
  $(id).textContent = text;
  $(id).hidden = !text;
}

/** What every view reads; `shown` lists the plans to draw, MLS first. */
function context(play) {
  const s = painted;
  const shown = s.algorithm === 'both' ? ['mls', 'sls'] : [s.algorithm];
  return { state: s, net: network(s), ...result, shown, theme, sweep: cachedSweep(s), play, narrow: narrowQuery.matches };
}

/** Plans for `s`, with the DP tables its teaching views read when one is in sight (or
 * the tour's step states them); `lane` 'try' checks an edit or a link without
 * superseding the page's solve. */
function plans(s, lane) {
  const wanted = tourReadsTable(s.tour) || tablesInSight() ? tablesFor(s) : [];
  return solve(s, { lane, tables: wanted, progress: report });
}

/** The DP tables of the setting drawn, for a view that reads them and came into sight:
 * asked for once per setting. */
let tablesAsked = { state: null, done: null };
function loadTables(ctx) {
  if (tablesAsked.state !== ctx.state) {
    const mine = generation;
    begin();
    report({ phase: 'the DP table' });
    const done = tables(ctx.state, tablesFor(ctx.state), tablePlans(ctx));
    tablesAsked = { state: ctx.state, done };
    // Cleared by the next solve's answer instead when one started meanwhile.
    done.then(() => { if (mine === generation) end(); }, (e) => {
      if (mine !== generation || e instanceof Superseded) return;
      end();
      showMessage('error', e.message);
    });
  }
  return tablesAsked.done;
}

/** The halo view's block list, for the plan shown first (rebuilt only when it changes:
 * most slider moves keep the blocks). */
let roundList = '';
function fillRounds() {
  const plan = result[painted.algorithm === 'sls' ? 'sls' : 'mls'];
  const select = $('halo-round');
  const blocks = convBlocks(plan);
  const texts = blocks.map((b) => `round ${b.round}: ${layerSpan(b)} (${b.case})`);
  if (texts.join('\n') !== roundList) {
    roundList = texts.join('\n');
    select.replaceChildren(...blocks.map((b, i) => new Option(texts[i], b.round)));
  }
  select.disabled = blocks.length === 0;
  const picked = pickConvBlock(plan, painted.round);
  if (picked) select.value = picked.round;
}

/** Fig. 9 for the setting drawn: on equal devices from the worker's cache, cheap once
 * the plans are solved, so at once (it follows a drag live); a mixed cluster's and a
 * stream's are solved cold, so they wait until the control has rested for 120 ms. A newer
 * setting drops it. */
function scheduleSweep() {
  clearTimeout(sweepTimer);
  const s = painted;
  if (cachedSweep(s)) return;
  // Shown in the same task as the plans, so a drag does not flash the message.
  const refusal = sweepRefusal(s);
  if (refusal) {
    showMessage('error', refusal);
    return;
  }
  sweepTimer = setTimeout(async () => {
    try {
      await sweep(s);
    } catch (e) {
      if (!(e instanceof Superseded) && s === painted) showMessage('error', e.message);
      return;
    }
    if (s !== painted) return;
    drawView('chart-bandwidth');
    showSingle(s, result.mls, cachedSweep(s));
    // The tour's last step states the sweep's numbers.
    if (s.tour) updateTeach(context(false));
  }, s.cluster || s.objective === 'throughput' ? 120 : 0);
}

/** Re-solves (unless `solved` holds the plans of the state already) and redraws once the
 * plans arrive, unless a newer update started meanwhile. */
async function update(play = false, solved = null) {
  const mine = ++generation;
  writeHash(state);
  showState(state);
  showCluster(state);
  showImport(state.model === CUSTOM);
  showLinkNote(state.model === CUSTOM ? state.custom : '');
  const s = { ...state };
  let r = solved;
  if (!r) {
    begin();
    const t0 = performance.now();
    try {
      r = await plans(s);
      // Seen in a profile and by scripts/measure-load.mjs: the worker's time and the wait.
      performance.measure('coopai solve', { start: t0 });
    } catch (e) {
      if (mine !== generation || e instanceof Superseded) return;
      end();
      showMessage('error', e.message);
      showClusterError(e.message);
      return;
    }
    if (mine !== generation) return;
  }
  const t1 = performance.now();
  end();
  painted = s;
  result = r;
  // Which setting is drawn, for the tests (an older one must never be drawn late).
  document.body.dataset.drawn = toHash(s);
  showMessage('error', '');
  $('copy-status').textContent = '';
  showFigures(s, result);
  showSingle(s, result.mls, cachedSweep(s));
  fillRounds();
  drawViews(play);
  scheduleSweep();
  updateTeach(context(false));
  // The teaching tools keep the hash's `hide` canonical.
  state.hide = s.hide;
  // The main thread's share of a re-solve (scripts/bench-page.mjs).
  performance.measure('coopai paint', { start: t1 });
}

const pretty = (json) => JSON.stringify(JSON.parse(json), null, 2);

/** Another k for the DP view, with the plans drawn otherwise up to date: only that view
 * redraws (its table loads if needed), not every view in sight, whose plans are the
 * same (a 300-layer model's views took one 55–240 ms task for it). */
function changeDpK(c) {
  const next = { ...state, ...c };
  if (Object.keys(c).join() !== 'dpk' || !painted || toHash({ ...painted, dpk: c.dpk }) !== toHash(next)) return false;
  state = next;
  painted = { ...painted, dpk: c.dpk };
  writeHash(state);
  drawView('dp');
  return true;
}

/** A link's pasted model is read by the core like a paste; the last good model (or the
 * zoo's default at start) replaces one that is missing (too long for the link), does
 * not read, or is refused for its work at these settings. Returns the plans when it
 * solved them, so they are not solved twice. */
async function readLinkModel(notes, last) {
  if (state.model !== CUSTOM) return null;
  const fallback = () => {
    state.model = last?.model ?? FIELDS.model.fallback;
    state.custom = last?.custom ?? '';
    return null;
  };
  const using = () => (last?.model === CUSTOM ? 'the last model that read well' : last?.model ?? FIELDS.model.fallback);
  if (!state.custom) {
    // A `custom=` value that is there but not base64url text has its own note already.
    const carried = new URLSearchParams(location.hash.slice(1)).has('custom');
    notes.push(carried
      ? `using ${using()} instead`
      : `the address names your own model but does not include it (too long for a link), using ${using()}`);
    return fallback();
  }
  try {
    state.custom = (await readModel(state.custom)).json;
  } catch (e) {
    notes.push(`the model in the address does not read (${e.message}), using ${using()}`);
    return fallback();
  }
  let solved;
  try {
    solved = await plans({ ...state }, 'try');
  } catch (e) {
    notes.push(`the model in the address cannot be solved here (${e.message}), using ${using()}`);
    return fallback();
  }
  await readNow(pretty(state.custom), 'the link');
  return solved;
}

/** Reads the address; returns the plans when reading it solved them already. */
async function readHash() {
  const last = state;
  const { state: s, notes } = parseHash(location.hash);
  state = s;
  let solved = await readLinkModel(notes, last);
  await readLinkCluster(state, notes, (c) => plans({ ...c }, 'try'));
  // A model with a teaching setting opens with it where the link leaves a field out.
  const opening = openingFor(state.model, location.hash);
  if (opening) Object.assign(state, opening);
  // Plans solved while reading a link's model are for the state before these changes.
  if (opening || state.cluster) solved = null;
  const said = notes.length ? `The address was adjusted: ${notes.join('; ')}.` : '';
  showMessage('note', [said, opening ? openingNote(state.model, opening) : ''].filter(Boolean).join(' '));
  return solved;
}

/** Picking a model with a teaching setting from the list applies that setting; leaving
 * it for another model restores the paper's values it replaced, unless they were moved. */
function openModel(change) {
  if (!change.model) return;
  const opening = openingFor(change.model);
  if (opening) {
    Object.assign(change, opening);
    showMessage('note', openingNote(change.model));
    return;
  }
  const left = openingFor(state.model);
  if (!left) return;
  for (const [key, value] of Object.entries(left)) {
    if (state[key] === value) change[key] = FIELDS[key].fallback;
  }
  showMessage('note', '');
}

/** Picking "your model" with none yet starts from the model on screen, as JSON to edit,
 * unless the visitor pasted or typed a model while it was written. The page's core
 * writes it (the importers load only for a text the visitor gives). */
async function startCustom() {
  const box = $('custom-text');
  const typed = box.value;
  const compact = await modelJson(state);
  if (box.value !== typed) return;
  const json = await readNow(pretty(compact), `${state.model}, a starting point to edit`,
    async () => ({ format: 'project JSON', json: compact }));
  if (json) state.custom = json;
}

async function main() {
  installTooltip($('tip'));
  try {
    FIELDS.model.choices = [...(await start()), CUSTOM];
  } catch (e) {
    showMessage('error', `Could not start the WebAssembly core: ${e.message}`);
    return;
  }
  theme = readTheme();
  setModels(FIELDS.model.choices.filter((m) => m !== CUSTOM));
  const solved = await readHash();
  fillCases();
  $('controls').addEventListener('submit', (e) => e.preventDefault());
  bindControls(async (asked) => {
    // A lesson link's hidden values stay as the link set them (teach/lesson.js).
    const change = unlocked(state, asked);
    if (change.model === CUSTOM && !state.custom) await startCustom();
    openModel(change);
    Object.assign(state, change);
    update('model' in change);
    // At phone width the panel opens below the controls.
    if (change.model === CUSTOM) $('custom-panel').scrollIntoView({ block: 'nearest' });
  });
  // A pasted model or a cluster edit replaces the one drawn only once it solves, so the
  // last good one stays; resolves to the error that kept it, or null. A control moved
  // while it was solved is kept, and the whole setting is solved again.
  const tryState = async (change, play) => {
    const locked = Object.keys(change).filter((key) => lockedFields(state).includes(key));
    if (locked.length) return new Error(`This lesson link keeps the ${locked.join(' and ')} as it is.`);
    const since = generation;
    const next = { ...state, ...change };
    let solved;
    begin();
    try {
      solved = await plans({ ...next }, 'try');
    } catch (e) {
      if (e instanceof Superseded) return null;
      if (since === generation) end();
      return e;
    }
    if (since === generation) {
      state = next;
      update(play, solved);
    } else {
      Object.assign(state, change);
      update(play);
    }
    return null;
  };
  bindImport((json) => tryState({ model: CUSTOM, custom: json, round: 0 }, true), () => painted.custom);
  // Switching the cluster editor on starts from the sliders' D equal devices of F.
  bindCluster((cluster) => tryState({ cluster, round: 0 }, false),
    (on) => tryState({ cluster: on ? `${state.devices}x${state.gflops}` : '', round: 0 }, false));
  $('halo-round').addEventListener('input', (e) => {
    state.round = Number(e.target.value);
    update(true);
  });
  $('halo-play').addEventListener('click', () => drawView('halo', context(true)));
  bindHaloWindow(document.querySelector('[data-view=halo]'), () => drawView('halo'));
  bindTimelineZoom(document.querySelector('[data-view=timeline]'), () => drawView('timeline'));
  // The confirmation shows beside the button, where the eyes are, not at the page top.
  $('copy-link').addEventListener('click', () => {
    const done = (text) => { $('copy-status').textContent = text; };
    navigator.clipboard?.writeText(location.href)
      .then(() => done('Link copied: it opens this view.'), () => done('Copy the address bar to share this view.'))
      ?? done('Copy the address bar to share this view.');
  });
  bindAnchors();
  addEventListener('hashchange', async () => {
    if (location.hash === toHash(state)) return;
    // An in-page link typed or followed some other way: the setting stays, and so does its hash.
    if (followAnchor(location.hash)) {
      writeHash(state);
      return;
    }
    // Busy from the start: a link's model is read in the worker before the solve.
    begin();
    update(true, await readHash());
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    theme = readTheme();
    drawViews();
  });
  narrowQuery.addEventListener('change', () => drawViews());
  bindExports(() => ({ state: painted, result }));
  // Teaching: tour, DP view, explanations, linked views, lessons, animations.
  installTeach({
    context: () => context(false),
    change: (c) => { if (!changeDpK(c)) { Object.assign(state, c); update('model' in c); } },
    replay: (name) => drawView(name, context(true)),
  });
  setContext(context, { ready: (ctx) => hasTables(ctx.state, tablePlans(ctx)), load: loadTables });
  await update(true, solved);
  watchViews();
  // For scripts/measure-load.mjs and the tests: redraw one view, or all of them now.
  window.coopaiDebug = { redraw: (name) => drawView(name), drawAll: drawStale, dropped: droppedCount };
  await viewsSettled();
  document.body.dataset.ready = 'true';
}

main();
