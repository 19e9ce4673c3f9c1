// Downloads: the plan as JSON, and each view as SVG or as PNG drawn from that SVG.

function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function exportJson(name, value) {
  download(name, new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
}

export function exportSvg(name, svgEl) {
  download(name, new Blob([svgEl.outerHTML], { type: 'image/svg+xml' }));
}

/** Renders the SVG at twice its viewBox size into a canvas. */
export function exportPng(name, svgEl) {
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
  img.src = URL.createObjectURL(new Blob([svgEl.outerHTML], { type: 'image/svg+xml' }));
}
