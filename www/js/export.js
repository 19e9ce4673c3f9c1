// Downloads: the plan as JSON, and each view as SVG or as PNG drawn from that SVG.

function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function exportJson(name, value) {
  download(name, new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
}

/** The drawing as a still file: animations and the dots they move are left out, so a
 * PNG (drawn at the animation's start) has no dots waiting at the origin. */
function still(svgEl) {
  const copy = svgEl.cloneNode(true);
  for (const e of copy.querySelectorAll('.anim, animate, animateMotion, set')) e.remove();
  return copy.outerHTML;
}

function exportSvg(name, { markup }) {
  download(name, new Blob([markup], { type: 'image/svg+xml' }));
}

/** Canvas side the PNG stays within: a long network's drawing is scaled down to it
 * rather than failing (Chromium refuses canvases above 32,767 px a side). */
const MAX_PNG_SIDE = 16384;

/** Renders the SVG at twice its viewBox size (less for a very wide one) into a canvas. */
function exportPng(name, { markup, width, height }) {
  const scale = Math.min(2, MAX_PNG_SIDE / width, MAX_PNG_SIDE / height);
  const img = new Image();
  img.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
    URL.revokeObjectURL(img.src);
    canvas.toBlob((b) => download(name, b), 'image/png');
  };
  img.src = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml' }));
}

/** Views whose whole drawing is not the SVG on screen (the network view of a large
 * model draws only the columns in sight): `name` → a function giving its drawing. */
const sources = new Map();

/** Exports of view `name` take `whole()`'s drawing, `{markup, width, height}`, instead
 * of the drawing on screen when it gives one (null: the drawing on screen). */
export function exportSource(name, whole) {
  sources.set(name, whole);
}

/** What view `name` exports: its still SVG markup and its size in user units. */
function drawingOf(name) {
  const whole = sources.get(name)?.();
  if (whole) return whole;
  const svgEl = document.querySelector(`[data-view="${name}"] svg`);
  const { width, height } = svgEl.viewBox.baseVal;
  return { markup: still(svgEl), width, height };
}

/** Adds SVG and PNG buttons to each `.export[data-for]` box, and wires the plan's JSON;
 * `current()` gives the state and the plans at the time of the click. */
export function bindExports(current) {
  for (const box of document.querySelectorAll('.export')) {
    const name = box.dataset.for;
    for (const kind of ['SVG', 'PNG']) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = kind;
      b.setAttribute('aria-label', `Download the ${name} view as ${kind}`);
      b.addEventListener('click', () => {
        const file = `coopai-${current().state.model}-${name}.${kind.toLowerCase()}`;
        (kind === 'SVG' ? exportSvg : exportPng)(file, drawingOf(name));
      });
      box.append(b);
    }
  }
  document.getElementById('export-json').addEventListener('click', () => {
    const { state, result } = current();
    const value = state.algorithm === 'both' ? { mls: result.mls, sls: result.sls } : result[state.algorithm];
    exportJson(`coopai-${state.model}-${state.algorithm}.json`, value);
  });
}
