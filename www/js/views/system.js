// The setting of the paper's Fig. 5, drawn from the plan: a camera sends a picture to the
// gateway, which runs the network round by round on the k edge devices the plan uses,
// talking to each only at the start (its input) and the end (its output) of a round.
// Devices never talk to each other. Drawn by code, so it works offline and follows the
// theme; the number of devices and rounds are the plan's.

import { el, svgParts, txt, deviceColour } from '../svg.js';
import { devices } from '../format.js';
import { availableDevices, deviceHue, deviceTag, member } from '../cluster.js';

const MAX_DRAWN = 8;

function camera(x, y, theme) {
  return el('rect', { x, y: y - 14, width: 40, height: 28, rx: 5, fill: 'none', stroke: theme.fg, 'stroke-width': 2 })
    + el('circle', { cx: x + 20, cy: y, r: 8, fill: 'none', stroke: theme.fg, 'stroke-width': 2 })
    + el('rect', { x: x + 8, y: y - 20, width: 12, height: 6, fill: theme.fg });
}

/** A link; `both` ways for the gateway's links to the devices (input out, output back). */
function arrow(x1, y1, x2, y2, theme, both = false) {
  return el('line', { x1, y1, x2, y2, stroke: theme.muted, 'stroke-width': 1.5, 'marker-end': 'url(#sys-arrow)', 'marker-start': both ? 'url(#sys-arrow)' : null });
}

export function renderSystem({ shown, mls, sls, state, theme }) {
  const plan = shown[0] === 'mls' ? mls : sls;
  const name = shown[0].toUpperCase();
  const k = plan.devices;
  const drawn = Math.min(k, MAX_DRAWN);
  const [width, height] = [760, 210];
  const gw = { x: 300, y: 105 };
  const defs = el('defs', {}, el('marker', { id: 'sys-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    el('path', { d: 'M0,0 L10,5 L0,10 z', fill: theme.muted })));
  // In parts, in drawing order: what never changes, then what changes with the plan's
  // rounds, its k (up to eight devices, then the last one's name), and the setting
  // (views/place.js re-parses only what changed).
  let fixed = defs + camera(30, gw.y, theme);
  fixed += txt({ x: 50, y: gw.y + 34, 'text-anchor': 'middle', 'font-size': 11 }, 'camera');
  fixed += arrow(76, gw.y, gw.x - 62, gw.y, theme);
  fixed += txt({ x: 160, y: gw.y - 8, 'text-anchor': 'middle', 'font-size': 11, fill: theme.muted }, 'a picture');
  fixed += el('rect', { x: gw.x - 60, y: gw.y - 26, width: 120, height: 52, rx: 6, fill: theme.band, stroke: theme.fg, 'stroke-width': 1.5 });
  fixed += txt({ x: gw.x, y: gw.y - 4, 'text-anchor': 'middle', 'font-weight': 600 }, 'gateway');
  const rounds = txt({ x: gw.x, y: gw.y + 12, 'text-anchor': 'middle', 'font-size': 11, fill: theme.muted }, `${plan.blocks.length} round${plan.blocks.length === 1 ? '' : 's'}`);
  const dx = 560;
  const gap = Math.min(24, (height - 30) / drawn);
  const y0 = gw.y - ((drawn - 1) * gap) / 2;
  let team = '';
  let more = '';
  for (let d = 0; d < drawn; d++) {
    const y = y0 + d * gap;
    const last = d === drawn - 1 && k > drawn;
    // The team's member at this place: its name and colour as every other view gives them.
    const dev = member(plan, last ? k - 1 : d);
    team += arrow(gw.x + 62, gw.y + (d - (drawn - 1) / 2) * 3, dx - 4, y, theme, true);
    team += el('rect', { x: dx, y: y - 8, width: 34, height: 16, rx: 3, fill: last ? 'none' : deviceColour(deviceHue(dev)), stroke: theme.fg, 'stroke-opacity': 0.4 });
    // Past eight devices only this label changes with k.
    const label = txt({ x: dx + 42, y: y + 4, 'font-size': 11 }, `${last ? '… ' : ''}${deviceTag(plan, dev, 'device')}`);
    if (last) more = label;
    else team += label;
  }
  let links = txt({ x: 430, y: 22, 'text-anchor': 'middle', 'font-size': 11, fill: theme.muted }, 'start of a round: the input each device needs →');
  links += txt({ x: 430, y: height - 10, 'text-anchor': 'middle', 'font-size': 11, fill: theme.muted }, '← end of a round: each device\'s output');
  links += txt({ x: gw.x, y: gw.y + 44, 'text-anchor': 'middle', 'font-size': 11, fill: theme.muted }, `G = ${state.bandwidth} Mbps, G/${k} per device`);
  const caption = [k === 1
    ? `A camera sends a picture to the gateway, which here runs the whole network in one round on one device (${name}'s choice of the ${availableDevices(state)} available): `
      + `it sends the picture over its ${state.bandwidth} Mbps link and gets the result back. When a plan splits the work, the gateway cuts the network into blocks of consecutive layers, one round each, on several devices.`
    : `A camera sends a picture to the gateway. The gateway cuts the network into blocks of consecutive layers and runs one block per round on ${devices(k)} (${name}'s choice of the ${availableDevices(state)} available): `
    + 'each computes its grid (a band of rows) of the conv layers or its cluster (a share of the neurons) of the fully-connected ones. '
    + `Devices talk only to the gateway, at the start and the end of each round, never to each other, and share its ${state.bandwidth} Mbps: ${Number((state.bandwidth / k).toPrecision(3))} Mbps each.`,
  ];
  return { svg: svgParts(width, height, `Camera, gateway and ${devices(k)}`, [fixed, rounds, team, more, links], theme), caption };
}
