/**
 * One cold synthesis, split into phases: run as a fresh process by bench/synth-phases.ts, it loads one
 * of the bench's apps, builds and synthesizes it once, and prints the time of each phase as one JSON
 * line. The validation plugins and the library's own synth-time checks are timed by wrapping their
 * entry points, so what remains of `app.synth()` is aws-cdk-lib's own work (prepare, resolve, write).
 */
import type { App as AppType } from 'aws-cdk-lib';

// Taken before anything loads: the modules below are required, not imported, so that loading them is timed.
const probeStart = performance.now();
/* eslint-disable @typescript-eslint/no-require-imports */
const fs: typeof import('fs') = require('fs');
const os: typeof import('os') = require('os');
const path: typeof import('path') = require('path');
const { App, CloudFormationValidatePlugin }: typeof import('aws-cdk-lib') = require('aws-cdk-lib');

/** The phases, in ms; `library` sums the library's proofs, guard and rule pack. */
export interface SynthPhases {
  readonly app: string;
  /** Node and ts-node start, until this file runs. */
  readonly start: number;
  /** Loading aws-cdk-lib, cdk-nag, the library and the app's module (modules loaded later, on first use, count where they are used). */
  readonly load: number;
  /** The app's constructors. */
  readonly build: number;
  readonly synth: number;
  /** aws-cdk-lib's built-in CloudFormation validation, inside synth. */
  readonly cfnValidate: number;
  /** cdk-nag AwsSolutions, inside synth. */
  readonly awsSolutions: number;
  /** The library's synth-time proofs, the pair's guard, EksUpgradeSafety and ConnectivityChecks, inside synth. */
  readonly library: number;
}

const spent = { cfnValidate: 0, awsSolutions: 0, library: 0 };

/** Adds the time of every call of `proto[method]` to `spent[phase]`; fails loudly if the method is gone. */
function timeMethod(proto: object, method: string, phase: keyof typeof spent): void {
  const original: unknown = Reflect.get(proto, method);
  if (typeof original !== 'function') throw new Error(`bench/synth-phase-probe.ts: ${method} is no longer a method; update the probe`);
  Reflect.set(proto, method, function (this: unknown, ...args: unknown[]) {
    const start = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      spent[phase] += performance.now() - start;
    }
  });
}

/** An app of the bench: its builder, and which of the timed checks it runs. */
interface BenchApp {
  readonly build: (app: AppType) => AppType;
  readonly awsSolutions: boolean;
  readonly library: boolean;
}

/** Each app loads only what it uses: the plain app neither cdk-nag nor this library. */
const APPS: { [name: string]: () => BenchApp } = {
  'plain': () => ({ build: require('./plain-one-cluster-app').buildPlainOneClusterApp, awsSolutions: false, library: false }),
  'plain-nag': () => ({ build: require('./plain-one-cluster-nag-app').buildPlainOneClusterNagApp, awsSolutions: true, library: false }),
  'pair': () => ({ build: require('../bin/app').buildApp, awsSolutions: true, library: true }),
};

/** Wraps the checks `app` runs, after its module loaded them (the same module instances). */
function timeChecks(app: BenchApp): void {
  timeMethod(CloudFormationValidatePlugin.prototype, 'validate', 'cfnValidate');
  if (app.awsSolutions) timeMethod((require('cdk-nag') as typeof import('cdk-nag')).AwsSolutionsChecks.prototype, 'validate', 'awsSolutions');
  if (!app.library) return;
  const lib = (file: string) => require(`../lib/${file}`);
  // EksUpgradeSafetyChecks is a NagPack too: its own entry point, inside NagPack.validate, is validateScope.
  timeMethod(lib('checks/nag/eks-upgrade-safety-checks').EksUpgradeSafetyChecks.prototype, 'validateScope', 'library');
  timeMethod(lib('checks/connectivity-checks').ConnectivityChecks.prototype, 'validate', 'library');
  timeMethod(lib('checks/cluster-connectivity-validation').ClusterConnectivityValidation.prototype, 'validate', 'library');
  timeMethod(lib('cluster/cluster-validations').ClusterTreeValidation.prototype, 'validate', 'library');
  timeMethod(lib('blue-green/pair-guard-run').PairGuardRun.prototype, 'validate', 'library');
}

const name = process.argv[2];
if (APPS[name] === undefined) throw new Error(`usage: synth-phase-probe.ts <${Object.keys(APPS).join('|')}>`);
const benchApp = APPS[name]();
const loaded = performance.now();
timeChecks(benchApp);
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-phases-'));
const app = benchApp.build(new App({ outdir }));
const built = performance.now();
app.synth();
const synthesized = performance.now();
fs.rmSync(outdir, { recursive: true, force: true });

const phases: SynthPhases = {
  app: name, start: probeStart, load: loaded - probeStart, build: built - loaded, synth: synthesized - built, ...spent,
};
process.stdout.write(`${JSON.stringify(phases)}\n`);
