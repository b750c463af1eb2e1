import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { BlueGreenClusterPair, BlueGreenColorOptions, TrafficShift, UpgradeStrategy } from '../../lib';
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
  const pair = new BlueGreenClusterPair(app, 'Payments', {
    env: ENV,
    stateFile: options.stateFile,
    upgradeStrategy: options.upgradeStrategy,
    trafficShift: TrafficShift.albWeighted({ certificateArn: CERTIFICATE_ARN }),
    blue: options.blue,
    green: options.green,
  });
  pair.addDataStore(new DependentDatabase(pair.sharedStack, 'Database', { vpc: pair.vpc, databaseName: 'payments' }));
  pair.addDataStore(new DependentCache(pair.sharedStack, 'Cache', { vpc: pair.vpc }));
  return { app, pair };
}

export const NODEGROUPS = { General: { instanceTypes: [new ec2.InstanceType('m6i.large')], minSize: 2, desiredSize: 2, maxSize: 4 } };

export function color(version: eks.KubernetesVersion, weight: number, extra: Partial<BlueGreenColorOptions> = {}): BlueGreenColorOptions {
  return { version, weight, nodegroups: NODEGROUPS, ...extra };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-pair-'));
}

export function tempStateFile(content?: object): string {
  const file = path.join(tempDir(), 'cdk-safe-eks.state.json');
  if (content !== undefined) fs.writeFileSync(file, JSON.stringify(content));
  return file;
}
