#!/usr/bin/env node
// Entry point of the `cdk-safe-eks` bin. It runs only the compiled CLI in dist/ (shipped in the npm
// package, built by `npm run build` in a clone), so it needs neither ts-node nor TypeScript.
const fs = require('fs');
const path = require('path');

const compiled = path.join(__dirname, '..', 'dist', 'lib', 'cli', 'main.js');

if (!fs.existsSync(compiled)) {
  process.stderr.write(`cdk-safe-eks: the compiled CLI ${compiled} is missing. `
    + 'In a clone of cdk-safe-eks run `npm run build` first; an installed package always ships it '
    + '(reinstall it if the file was removed).\n');
  process.exitCode = 2; // ExitCode.UNUSABLE
} else {
  // The CLI's exit codes (the ExitCode enum): 0 OK, 1 a required flow fails (verify), 2 unusable input,
  // 3 a cluster could not be proven (verify), 4 an unsafe change (diff).
  // `live`, `lock`, `pair check` and `verify --live` run in cdk-safe-eks-cli, when installed (docs/live.md).
  require(compiled).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
