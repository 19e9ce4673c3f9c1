// The page's escaping of names it shows without the core (a dropped file's name) is the
// core's rule: the same characters, the same escapes as the CLI prints them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { escaped } from '../../www/js/shown.js';

const BIN = process.env.COOPAI_CLI
  ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release/coopai');

/** What the CLI quotes for `--model NAME`, a name that is no zoo model nor file. */
function cliQuote(name) {
  try {
    execFileSync(BIN, ['solve', '--model', name], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    return e.stderr.match(/--model '(.*)' is neither/)[1];
  }
  throw new Error(`${name} was accepted`);
}

test('bidi controls, invisible marks and controls are escaped as the CLI escapes them', () => {
  const names = [
    'photo\u202Egpj.exe', 'a\u2066b\u2069c', 'zero\u200Bwidth', 'mark\u061C', 'bom\uFEFF',
    'tab\tnew\nline\r', 'esc\u001b[31m', 'del\u007f', 'c1\u0085', 'plain résumé 東京 🚀',
  ];
  for (const name of names) assert.equal(escaped(name), cliQuote(name), name);
  assert.equal(escaped('photo\u202Egpj.exe'), 'photo\\u{202e}gpj.exe');
  assert.equal(escaped('plain résumé 東京 🚀'), 'plain résumé 東京 🚀');
});
