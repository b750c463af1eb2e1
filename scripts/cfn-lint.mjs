// cfn-lint (AWS's CloudFormation linter) over every template in the directories given (recursively):
// a finding passes only when .ci/cfn-lint-known.json lists its rule with the reason it still deploys
// (warnings, and one style rule cfn-lint files as an error in aws-cdk-lib's pipeline output). Usage: node scripts/cfn-lint.mjs <dir>...  (CI: the example's cdk.out and the templates the
// tests synthesized, see test/support/shared-validation-environment.ts).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const known = JSON.parse(fs.readFileSync(path.join(root, '.ci', 'cfn-lint-known.json'), 'utf8'));
const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  process.stderr.write('usage: node scripts/cfn-lint.mjs <dir>...\n');
  process.exit(2);
}

function templatesIn(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return templatesIn(full);
    return e.name.endsWith('.template.json') ? [full] : [];
  });
}

function lint(files) {
  return new Promise((resolve, reject) => {
    const child = spawn('cfn-lint', ['--format', 'json', '--non-zero-exit-code', 'none', '--', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`cfn-lint exited ${code}: ${err}`));
      else resolve(JSON.parse(out || '[]'));
    });
  });
}

const files = dirs.flatMap(templatesIn);
// Two processes side by side (the machines have two cores), in chunks that keep command lines short.
const chunks = [];
for (let i = 0; i < files.length; i += 100) chunks.push(files.slice(i, i + 100));
const results = [];
for (let i = 0; i < chunks.length; i += 2) results.push(...(await Promise.all(chunks.slice(i, i + 2).map(lint))).flat());

const problems = results.filter((r) => (r.Level === 'Error' || r.Level === 'Warning') && known[r.Rule.Id] === undefined);
const byRule = new Map();
for (const r of results.filter((x) => x.Level !== 'Informational')) byRule.set(r.Rule.Id, (byRule.get(r.Rule.Id) ?? 0) + 1);
process.stdout.write(`cfn-lint: ${files.length} templates; ${[...byRule].map(([id, n]) => `${id} x${n}${known[id] ? ' (known)' : ''}`).join(', ') || 'nothing found'}\n`);
for (const id of Object.keys(known).filter((id) => !byRule.has(id))) {
  process.stdout.write(`cfn-lint: ${id} is listed in .ci/cfn-lint-known.json but no longer found; remove it\n`);
}
for (const p of problems.slice(0, 50)) {
  process.stderr.write(`${p.Level} ${p.Rule.Id} ${p.Filename}:${p.Location.Start.LineNumber} ${p.Location.Path.join('/')}: ${p.Message}\n`);
}
if (problems.length > 0) {
  process.stderr.write(`cfn-lint: ${problems.length} findings not listed; fix them, or list the rule with the reason the template still deploys in .ci/cfn-lint-known.json\n`);
  process.exitCode = 1;
}
