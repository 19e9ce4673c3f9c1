// The key to a mixed cluster's devices, shared by the halo and FL views: each lane's
// colour with the device's name, speed and memory, and what it got. On equal devices it
// draws nothing, so the homogeneous page stays as it was.

import { el, deviceColour, tip, txt } from '../svg.js';
import { deviceHue, deviceName, isMixed } from '../cluster.js';

const ENTRY_W = 370;
const ROW_H = 15;

/** `{ markup, height }` of the key for `devs` (a block's devices, fastest first),
 * drawn from (x, y) across `width`; `what(dev, d)` says what each device got. */
export function deviceKey(plan, devs, theme, x, y, width, what) {
  if (!isMixed(plan)) return { markup: '', height: 0 };
  const perRow = Math.max(1, Math.floor(width / ENTRY_W));
  let markup = '';
  devs.forEach((dev, d) => {
    const ex = x + (d % perRow) * ENTRY_W;
    const ey = y + Math.floor(d / perRow) * ROW_H;
    const label = `${deviceName(plan, dev)}: ${what(dev, d)}`;
    markup += el('g', tip(label),
      el('rect', { x: ex, y: ey - 9, width: 10, height: 10, fill: deviceColour(deviceHue(dev)) }) +
      txt({ x: ex + 14, y: ey, 'font-size': 10 }, label));
  });
  return { markup, height: Math.ceil(devs.length / perRow) * ROW_H + 6 };
}
