// The first half of `npm test`: type-check everything (lib, bin, test, bench) and build the package
// with jsii (dist/ and .jsii, which the package, API.md and fuzz tests read), side by side: the two
// take about the same time and the machine has cores to spare for both.
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const steps = [
  ['type-check', npm, ['run', '--silent', 'typecheck']],
  ['build', npm, ['run', '--silent', 'build']],
];

function run([name, command, args]) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ name, code, output }));
  });
}

const results = await Promise.all(steps.map(run));
for (const { name, code, output } of results) {
  if (code !== 0) process.stderr.write(`\n${name} failed (exit ${code}):\n${output}`);
}
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
