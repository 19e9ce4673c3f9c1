// What the CLI says for a setting: the reference the page's figures are checked against.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

const BIN = process.env.COOPAI_CLI
  ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release/coopai');

/** `coopai solve … --json` for a page state, parsed. */
export function cliSolve(s, algorithm = 'mls') {
  const out = execFileSync(BIN, [
    'solve', '--model', s.model, '--devices', String(s.devices), '--bandwidth', String(s.bandwidth),
    '--gflops', String(s.gflops), '--algorithm', algorithm, '--json',
  ], { encoding: 'utf8' });
  return JSON.parse(out);
}

/** `coopai solve --cluster … --json` for a cluster in the short form, parsed; with
 * `dp`, `--dp` too: `{ plan, dp }`. */
export function cliSolveCluster({ model, cluster, bandwidth }, algorithm = 'mls', { dp = false } = {}) {
  const out = execFileSync(BIN, [
    'solve', '--model', model, '--cluster', cluster, '--bandwidth', String(bandwidth),
    '--algorithm', algorithm, '--json', ...(dp ? ['--dp'] : []),
  ], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out);
}

/** `coopai solve … --json --dp`: `{ plan, dp }`, the plan and the table of
 * eq. (2) at its k. */
export function cliSolveDp(s, algorithm = 'mls') {
  const out = execFileSync(BIN, [
    'solve', '--model', s.model, '--devices', String(s.devices), '--bandwidth', String(s.bandwidth),
    '--gflops', String(s.gflops), '--algorithm', algorithm, '--json', '--dp',
  ], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out);
}

/** `coopai solve --objective throughput … --json`: the plan with the least
 * period, for a page state. */
export function cliSolveStream(s, algorithm = 'mls') {
  const out = execFileSync(BIN, [
    'solve', '--model', s.model, '--devices', String(s.devices), '--bandwidth', String(s.bandwidth),
    '--gflops', String(s.gflops), '--algorithm', algorithm, '--objective', 'throughput', '--json',
  ], { encoding: 'utf8' });
  return JSON.parse(out);
}
