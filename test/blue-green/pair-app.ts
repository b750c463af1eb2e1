import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Environment, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { BlueGreenClusterPair, BlueGreenColorOptions, TrafficShift, UpgradeStrategy } from '../../lib';
import { emptyState, writeStateFile } from '../../lib/blue-green/pair-state';
import { DependentCache } from '../../lib/data/dependent-cache';
import { DependentDatabase } from '../../lib/data/dependent-database';
import { testApp } from '../helpers';

export const ENV = { account: '111111111111', region: 'eu-west-1' };
export const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000';

export interface PairAppOptions {
  readonly blue?: BlueGreenColorOptions;
  readonly green?: BlueGreenColorOptions;
  readonly stateFile: string;
  readonly upgradeStrategy?: UpgradeStrategy;
  readonly outdir?: string;
}

/** The pair the tests synthesize: Aurora and Valkey in Shared, ALB traffic, one small node group per color. */
export function buildPairApp(options: PairAppOptions): { app: App; pair: BlueGreenClusterPair } {
  const app = new App({ outdir: options.outdir ?? tempDir(), context: testApp().node.getAllContext() });
  return { app, pair: addPair(app, options) };
}

/** The test pair `Payments` in `scope` (an App or a Stage), in `env`. */
export function addPair(scope: Construct, options: PairAppOptions, env: Environment = ENV): BlueGreenClusterPair {
  const pair = new BlueGreenClusterPair(scope, 'Payments', {
    env,
    stateFile: options.stateFile,
    upgradeStrategy: options.upgradeStrategy,
    trafficShift: TrafficShift.albWeighted({ certificateArn: `arn:aws:acm:${env.region}:${env.account}:certificate/00000000-0000-0000-0000-000000000000` }),
    blue: options.blue,
    green: options.green,
  });
  pair.addDataStore(new DependentDatabase(pair.sharedStack, 'Database', { vpc: pair.vpc, databaseName: 'payments' }));
  pair.addDataStore(new DependentCache(pair.sharedStack, 'Cache', { vpc: pair.vpc }));
  return pair;
}

/** The second environment of the two-Stage apps. */
export const US_EAST_1 = { account: '222222222222', region: 'us-east-1' };

/** An app with the pair `Payments` in two Stages, EuWest1 (ENV) and UsEast1 (US_EAST_1), both recorded in one state file. */
export function buildStageApp(stateFile: string, colors: { [stage: string]: Pick<PairAppOptions, 'blue' | 'green'> }, outdir = tempDir()): App {
  const app = new App({ outdir, context: testApp().node.getAllContext() });
  for (const [stageId, env] of [['EuWest1', ENV], ['UsEast1', US_EAST_1]] as const) {
    addPair(new Stage(app, stageId, { env }), { ...colors[stageId], stateFile }, env);
  }
  return app;
}

export const NODEGROUPS = { General: { instanceTypes: [new ec2.InstanceType('m6i.large')], minSize: 2, desiredSize: 2, maxSize: 4 } };

export function color(version: eks.KubernetesVersion, weight: number, extra: Partial<BlueGreenColorOptions> = {}): BlueGreenColorOptions {
  return { version, weight, nodegroups: NODEGROUPS, ...extra };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-pair-'));
}

/** A state file in a directory of its own: `content`, or the empty state `pair init` writes. */
export function tempStateFile(content?: object): string {
  const file = path.join(tempDir(), 'cdk-safe-eks.state.json');
  if (content !== undefined) fs.writeFileSync(file, JSON.stringify(content));
  else writeStateFile(file, emptyState());
  return file;
}
