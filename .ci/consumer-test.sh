#!/usr/bin/env bash
# Consumer test: pack cdk-safe-eks, install the tarball into a fresh app outside the repo (its own
# package.json, strict tsconfig, no ts-node), type-check and compile it with tsc, synthesize it
# offline with the library's plugins and cdk-nag AwsSolutions on, and run the packaged CLI on the
# result. The peers and tools are the exact versions of this repo's lockfile.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
start=$SECONDS
work="$(mktemp -d "${TMPDIR:-/tmp}/cdk-safe-eks-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=1

# The build prepack runs, then the pack itself (scripts off, so its JSON is the only output).
(cd "$repo" && npm run build >"$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }
(cd "$repo" && npm pack --ignore-scripts --pack-destination "$work" --json >"$work/pack.json")
tarball="$work/$(node -p "require('$work/pack.json')[0].filename")"
echo "consumer-test: packed $(basename "$tarball") ($(node -p "const p=require('$work/pack.json')[0]; p.entryCount + ' files, ' + p.size + ' bytes'"))"

app="$work/app"
mkdir "$app"
cp "$repo/.ci/consumer/app.ts" "$repo/.ci/consumer/tsconfig.json" "$app/"
# Exact versions from the lockfile, so the consumer runs what the repo tested.
node - "$repo/package-lock.json" "$tarball" >"$app/package.json" <<'JS'
const [lockPath, tarball] = process.argv.slice(2);
const lock = require(lockPath).packages;
const v = (name) => lock[`node_modules/${name}`].version;
console.log(JSON.stringify({
  name: 'cdk-safe-eks-consumer', version: '0.0.0', private: true,
  dependencies: { 'cdk-safe-eks': `file:${tarball}`, 'aws-cdk-lib': v('aws-cdk-lib'), constructs: v('constructs'), 'cdk-nag': v('cdk-nag') },
  devDependencies: { 'aws-cdk': v('aws-cdk'), typescript: v('typescript'), '@types/node': v('@types/node') },
}, null, 2));
JS
# The context a new app gets from `cdk init`: cross-stack references between the app's own stacks stay strong.
echo '{ "app": "node app.js", "context": { "@aws-cdk/core:defaultCrossStackReferences": "strong" } }' >"$app/cdk.json"
cd "$app"
step() { echo "consumer-test: $1 ($((SECONDS - start)) s)"; }
step "installing the tarball and the lockfile's peers"
npm install --prefer-offline --no-audit --no-fund --loglevel=error
if [ -e node_modules/ts-node ]; then echo "consumer-test: ts-node must not be installed" >&2; exit 1; fi
step "tsc (strict, declarations of the package checked: skipLibCheck off; fails on any type error)"
npx tsc -p tsconfig.json
step "cdk synth with AwsSolutions, EksUpgradeSafetyChecks and ConnectivityChecks"
npx cdk synth --app 'node app.js' --quiet
step "cdk-safe-eks verify cdk.out (the packaged CLI)"
npx cdk-safe-eks verify cdk.out
step "OK"
