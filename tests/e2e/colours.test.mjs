// The colour scheme's rules (docs/page.md, "Colours"), checked in both themes and for
// protan, deutan and tritan vision: neighbouring devices stay apart, compute and transfer
// differ by lightness alone, text and marks stand out from the panel.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEVICES, LIGHT, DARK, deviceColour } from '../../www/js/palette.js';
import { VISIONS, deltaE, lightness, contrast } from './colour-check.mjs';

const THEMES = { light: LIGHT, dark: DARK };

test('neighbouring devices differ for every colour vision, also where the palette wraps', () => {
  for (const vision of VISIONS) {
    for (let d = 0; d < DEVICES.length; d++) {
      const [a, b] = [deviceColour(d), deviceColour(d + 1)];
      const e = deltaE(a, b, vision);
      assert.ok(e >= 20, `devices ${d + 1} and ${d + 2} (${a}, ${b}) are ΔE ${e.toFixed(1)} apart for ${vision}`);
    }
  }
});

test('every device colour stands out from the panel in both themes', () => {
  for (const [name, theme] of Object.entries(THEMES)) {
    for (const vision of VISIONS) {
      for (const c of DEVICES) {
        const e = deltaE(c, theme.bg, vision);
        assert.ok(e >= 20, `${c} on the ${name} panel: ΔE ${e.toFixed(1)} for ${vision}`);
      }
    }
  }
});

test('phases differ by lightness, compute the strong tone, in both themes', () => {
  for (const [name, theme] of Object.entries(THEMES)) {
    for (const vision of VISIONS) {
      const [c, t, bg] = [theme.compute, theme.transfer, theme.bg].map((x) => lightness(x, vision));
      assert.ok(Math.abs(c - t) >= 30, `${name}/${vision}: compute L* ${c.toFixed(0)} vs transfer ${t.toFixed(0)}`);
      assert.ok(Math.abs(c - bg) > Math.abs(t - bg) + 30, `${name}/${vision}: compute must be the strong tone`);
      assert.ok(Math.abs(t - bg) >= 12, `${name}/${vision}: transfer L* ${t.toFixed(0)} too close to the panel ${bg.toFixed(0)}`);
    }
    // Hue carries no meaning here: both tones have little chroma next to the devices'.
    assert.ok(contrast(theme.compute, theme.bg) >= 7, `${name}: compute contrast`);
  }
});

test('text and marks are legible in both themes', () => {
  for (const [name, theme] of Object.entries(THEMES)) {
    assert.ok(contrast(theme.fg, theme.bg) >= 7, `${name}: text`);
    assert.ok(contrast(theme.muted, theme.bg) >= 4.5, `${name}: muted text`);
    assert.ok(contrast(theme.accent, theme.bg) >= 3, `${name}: accent (focus, "now")`);
  }
});
