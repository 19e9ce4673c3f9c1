// Puts a view's drawing into its figure. A drawing in parts (svg.js `svgParts`) drawn
// over one of the same frame (the root's background and patterns, and as many parts)
// keeps the DOM of every part whose markup is the same as last time and re-parses only
// the others; the root's attributes (its label says the plan's k) are set in place.
// Parsing is most of a redraw's cost, and on a slider move most of a drawing (the
// layers' shapes, the devices) does not change.

/** The drawing last placed in each figure, when it was in parts. */
const placed = new WeakMap();

/** The root's own tag, `<svg …>`: its attribute values are escaped, so it ends at the
 * first `>`. */
const rootTag = (head) => head.slice(0, head.indexOf('>') + 1);

/** Gives `root` the attributes of the tag `open` (as svg.js writes them: `name="value"`,
 * the value's special characters as `&#N;`). */
function setRoot(root, open) {
  for (const [, name, escaped] of open.matchAll(/ ([^\s=]+)="([^"]*)"/g)) {
    const value = escaped.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(c));
    if (root.getAttribute(name) !== value) root.setAttribute(name, value);
  }
}

/** `drawing` is SVG markup, or `{head, parts}` from `svgParts`. */
export function place(box, drawing) {
  if (typeof drawing === 'string') {
    box.innerHTML = drawing;
    placed.delete(box);
    return;
  }
  const last = placed.get(box);
  const root = box.firstElementChild;
  const tag = rootTag(drawing.head);
  if (root && last && last.parts.length === drawing.parts.length
      && last.head.slice(rootTag(last.head).length) === drawing.head.slice(tag.length)) {
    if (rootTag(last.head) !== tag) setRoot(root, tag);
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
