// The first half of `npm test`: type-check everything (lib, bin, test, bench, and the cdk-safe-eks-cli
// workspace with its tests) and build the package with jsii (dist/ and .jsii, which the package, API.md
// and fuzz tests read), then the CLI package against that build, side by side: the two take about the
// same time. The CLI's tests run on its sources (jest's moduleNameMapper), so no other build is needed.
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// Each step is a list of commands run one after the other; the steps run side by side.
const steps = [
  ['type-check', [['run', '--silent', 'typecheck']]],
  ['build', [['run', '--silent', 'build'], ['run', '--silent', 'build', '-w', 'packages/cli']]],
];

function runOne(args) {
  return new Promise((resolve) => {
    const child = spawn(npm, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function run([name, commands]) {
  let output = '';
  for (const args of commands) {
    const result = await runOne(args);
    output += result.output;
    if (result.code !== 0) return { name, code: result.code, output };
  }
  return { name, code: 0, output };
}

const results = await Promise.all(steps.map(run));
for (const { name, code, output } of results) {
  if (code !== 0) process.stderr.write(`\n${name} failed (exit ${code}):\n${output}`);
}
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
