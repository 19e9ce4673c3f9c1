// Writes the README's performance tables from the benchmarks' JSON, so that the figures
// quoted are the figures measured (nothing is asserted here):
//   node scripts/bench-readme.mjs            # runs all three benchmarks (a few minutes)
//   node scripts/bench-readme.mjs --native native.json --page page.json --python 87.1
//   node scripts/bench-readme.mjs … --page run1.json,run2.json,run3.json
// Several page runs give each figure as its median over the runs (a p95 on a shared
// machine moves from run to run).
// The native rows come from `coopai bench --json`, the page's from
// `node scripts/bench-page.mjs --json` (after scripts/build.sh), and the Python
// reference's median from `python3 benches/reference.py … --time 21`. Each table goes
// between its `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` lines in README.md.

import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = join(ROOT, 'README.md');
const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

function run(cmd, argv) {
  return execFileSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
}

// Each benchmark's JSON is also kept in target/bench/, for `--native` and `--page`.
mkdirSync(join(ROOT, 'target/bench'), { recursive: true });
function measured(flag, file, cmd, argv) {
  if (arg(flag)) return JSON.parse(readFileSync(arg(flag), 'utf8'));
  const text = run(cmd, argv);
  writeFileSync(join(ROOT, 'target/bench', file), text);
  return JSON.parse(text);
}
const native = measured('--native', 'native.json', 'cargo', ['run', '--quiet', '--release', '--', 'bench', '--json']);
const pageRuns = (arg('--page') ?? '').split(',').filter(Boolean);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** The large models' phases (bench-page.mjs): the longest task of each, or null. */
const PHASES = ['open_longest_task_ms', 'scroll_longest_task_ms', 'switch_k_longest_task_ms', 'drag_longest_task_ms'];

/** Each row's figures as their medians over `runs` (same rows, same order). */
function medianRun(runs) {
  const figures = ['work_p95_ms', 'paint_p95_ms', 'longest_task_ms', ...PHASES];
  // A phase with no task over 50 ms is null: the median of the runs that had one.
  const of = (values) => (values.some((v) => v !== null && v !== undefined) ? median(values.filter((v) => v !== null && v !== undefined)) : values[0]);
  return {
    rows: runs[0].rows.map((r, i) => ({ ...r, ...Object.fromEntries(figures.filter((f) => f in r).map((f) => [f, of(runs.map((x) => x.rows[i][f]))])) })),
    wasm_gzip_bytes: runs[0].wasm_gzip_bytes,
  };
}
const page = pageRuns.length > 1
  ? medianRun(pageRuns.map((f) => JSON.parse(readFileSync(f, 'utf8'))))
  : measured('--page', 'page.json', 'node', ['scripts/bench-page.mjs', '--json']);
const pythonMs = Number(arg('--python') ?? run('python3',
  ['benches/reference.py', 'benches/models/vgg19.json', '--devices', '10', '--time', '21']).match(/([\d.]+) ?ms/)[1]);

const ms = (x) => (x < 1 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(0));
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ` +
  `${new Date().toISOString().slice(0, 10)}`;

const nativeTable = `${table(['model', 'layers', 'D', 'cold (ms)', 'warm (ms)'],
  native.map((r) => [r.model, r.layers, r.devices, ms(r.cold_ms), ms(r.warm_ms)]))}\n\n` +
  `Medians; ${machine}.`;

const vgg = native.find((r) => r.model === 'vgg19' && r.devices === 10);
const pythonTable = `${table(['VGG19, D = 10, cold', 'median (ms)'], [
  ['Python, `benches/reference.py --time 21`', ms(pythonMs)],
  ['Rust, `coopai bench`', ms(vgg.cold_ms)],
  ['ratio', `${Math.round(pythonMs / vgg.cold_ms)}×`],
])}`;

const pageTable = `${table(['model', 'D', 'work per event, p95 (ms)', 'input → paint, p95 (ms)', 'longest task (ms)'],
  page.rows.map((r) => [r.model, r.devices, ms(r.work_p95_ms), ms(r.paint_p95_ms), ms(r.longest_task_ms)]))}\n\n` +
  `Headless Chromium; ${machine}${pageRuns.length > 1 ? `; each figure the median of ${pageRuns.length} runs` : ''}. The page's wasm: ${(page.wasm_gzip_bytes / 1024).toFixed(1)} KiB gzipped.` +
  largeTable(page.rows.filter((r) => PHASES[0] in r));

/** The large real models opened as files: the longest main-thread task of each phase. */
function largeTable(rows) {
  if (!rows.length) return '';
  const task = (x) => (x === null ? 'none over 50' : String(Math.round(x)));
  return `\n\nThe large real models (tests/corpus_real/) opened with "Open file…": the longest main-thread task (ms) while the file is opened, while every view is scrolled into sight, while the DP view switches k, and while the bandwidth slider is dragged (10 events). With several runs, a phase that had a task over 50 ms in any run shows the median of those runs, the others not counted (the worse reading).\n\n${
    table(['model', 'D', 'open', 'scroll every view into sight', 'switch k', 'drag'],
      rows.map((r) => [r.model, r.devices, ...PHASES.map((f) => task(r[f]))]))}`;
}

let text = readFileSync(README, 'utf8');
for (const [name, body] of [['native', nativeTable], ['python', pythonTable], ['page', pageTable]]) {
  const re = new RegExp(`(<!-- bench:${name} -->\\n)[\\s\\S]*?(<!-- /bench:${name} -->)`);
  if (!re.test(text)) throw new Error(`README.md has no <!-- bench:${name} --> … <!-- /bench:${name} --> block`);
  text = text.replace(re, (_, start, end) => `${start}${body}\n${end}`);
}
writeFileSync(README, text);
console.log('README.md: performance tables written');
