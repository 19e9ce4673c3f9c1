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

function exportSvg(name, svgEl) {
  download(name, new Blob([still(svgEl)], { type: 'image/svg+xml' }));
}

/** Renders the SVG at twice its viewBox size into a canvas. */
function exportPng(name, svgEl) {
  const { width, height } = svgEl.viewBox.baseVal;
  const img = new Image();
  img.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = width * 2;
    canvas.height = height * 2;
    canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
    URL.revokeObjectURL(img.src);
    canvas.toBlob((b) => download(name, b), 'image/png');
  };
  img.src = URL.createObjectURL(new Blob([still(svgEl)], { type: 'image/svg+xml' }));
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
        const svgEl = document.querySelector(`[data-view="${name}"] svg`);
        const file = `coopai-${current().state.model}-${name}.${kind.toLowerCase()}`;
        (kind === 'SVG' ? exportSvg : exportPng)(file, svgEl);
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
