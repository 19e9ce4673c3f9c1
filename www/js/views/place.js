// Puts a view's drawing into its figure. A drawing in parts (svg.js `svgParts`) whose
// root is unchanged keeps the DOM of every part whose markup is the same as last time
// and re-parses only the others: parsing is most of a redraw's cost, and on a slider
// move most of a drawing (the layers' shapes, the devices) does not change.

/** The drawing last placed in each figure, when it was in parts. */
const placed = new WeakMap();

/** `drawing` is SVG markup, or `{head, parts}` from `svgParts`. */
export function place(box, drawing) {
  if (typeof drawing === 'string') {
    box.innerHTML = drawing;
    placed.delete(box);
    return;
  }
  const last = placed.get(box);
  const root = box.firstElementChild;
  if (last?.head === drawing.head && last.parts.length === drawing.parts.length && root) {
    const groups = root.children;
    const offset = groups.length - drawing.parts.length;
    drawing.parts.forEach((markup, i) => {
      if (markup !== last.parts[i]) groups[offset + i].innerHTML = markup;
    });
  } else {
    box.innerHTML = `${drawing.head}${drawing.parts.map((p) => `<g>${p}</g>`).join('')}</svg>`;
  }
  placed.set(box, drawing);
}
