// `chain300`, the CLI bench's long model (src/cli/bench.rs, `synthetic_chain`) in the
// project's JSON: 297 3×3 convs of 16 channels on a 64×64×16 input, 2×2 pools after the
// 100th and 200th, then FLs of 256, 128 and 10. Too long for a link: it is pasted.

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function chain300() {
  const layers = [];
  for (let n = 1; n <= 297; n++) {
    layers.push({ type: 'conv', filters: 16, kernel: 3, ...(n % 100 === 0 ? { pool: { size: 2, stride: 2 } } : {}) });
  }
  for (const outputs of [256, 128, 10]) layers.push({ type: 'fc', outputs });
  return JSON.stringify({ name: 'chain300', input: { height: 64, width: 64, channels: 16 }, layers });
}

/** The model as a file, for the CLI. */
export function chain300File() {
  const file = join(tmpdir(), 'coopai-chain300.json');
  writeFileSync(file, chain300());
  return file;
}

/** Pastes chain300 into the page's "Your model" box and waits until it is drawn. */
export async function pasteChain300(page) {
  await page.selectOption('#model', 'custom');
  await page.waitForSelector('#custom-text');
  await page.fill('#custom-text', chain300());
  // The status names the model once read; the solve is then pending (`data-busy`).
  await page.waitForFunction(() => document.getElementById('custom-status').textContent.includes('“chain300”'));
  await page.waitForSelector('body:not([data-busy])', { state: 'attached', timeout: 120000 });
}
