#!/usr/bin/env node
// Entry point of the `cdk-safe-eks` bin. In a clone (after `npm ci`) it runs the TypeScript source
// through ts-node; in a built package without ts-node it runs the compiled output in dist/.
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, 'cdk-safe-eks.ts');
const compiled = path.join(__dirname, '..', 'dist', 'bin', 'cdk-safe-eks.js');

function hasTsNode() {
  try {
    require.resolve('ts-node');
    return true;
  } catch {
    return false;
  }
}

if (fs.existsSync(source) && hasTsNode()) {
  require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
  require(source);
} else {
  require(compiled);
}
