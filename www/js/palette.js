// Every colour the drawings use, one encoding per meaning (docs/page.md, "Colours"):
// * devices are the only thing with hue: Okabe and Ito's colour-blind-safe set, in an
//   order where neighbours differ under protan, deutan and tritan vision;
// * phases are lightness of one blue-grey: compute is the strong tone, transfer the
//   faint one, in both themes;
// * the algorithm is position and line pattern, never colour: MLS solid and first (left
//   or above), SLS dashed and second;
// * the halo is a hatch over its device's colour; the accent marks focus and "now".
// tests/e2e/colours.test.mjs checks these rules with simulated colour-vision deficiency.

/** Okabe & Ito (2002), black left out: blue, orange, bluish green, vermillion, sky blue,
 * reddish purple, yellow. */
export const DEVICES = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442'];

export const LIGHT = {
  dark: false,
  bg: '#ffffff', fg: '#1d2330', muted: '#5d6677', grid: '#e3e6ec', accent: '#b5477a',
  compute: '#2b3f61', transfer: '#aebbd3', band: '#eef1f6',
};

export const DARK = {
  dark: true,
  bg: '#1b2029', fg: '#e6e9ef', muted: '#9aa3b4', grid: '#2c3340', accent: '#e07aa9',
  compute: '#c9d6ec', transfer: '#4d5d7a', band: '#252b36',
};

/** Device `d`'s colour (0-based). Past seven devices the colours repeat: lanes, labels
 * and tooltips say which device is which, and neighbours always differ. */
export function deviceColour(d) {
  return DEVICES[d % DEVICES.length];
}
