import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { DependentCache, DependentDatabase, SafeCluster } from '../../lib';
import { testApp, testStack, testVpc } from '../helpers';

/** Options of the three-stack app the data-store tests synthesize. */
export interface DataAppOptions {
  /** Include the client cluster stack. */
  readonly withCluster?: boolean;
  /** Kubernetes version of the client cluster. */
  readonly version?: eks.KubernetesVersion;
  /** Name (colour) of the client cluster. */
  readonly clusterName?: string;
}

/** Network, data and (optionally) cluster stacks, wired the way the README shows. */
export interface DataApp {
  readonly app: App;
  readonly network: Stack;
  readonly vpc: ec2.Vpc;
  readonly data: Stack;
  readonly database: DependentDatabase;
  readonly cache: DependentCache;
  readonly clusterStack?: Stack;
  readonly cluster?: SafeCluster;
}

export function dataApp(options: DataAppOptions = {}): DataApp {
  const app = testApp();
  const network = testStack(app, 'Network');
  const vpc = testVpc(network);
  const data = testStack(app, 'Data');
  const database = new DependentDatabase(data, 'Database', { vpc });
  const cache = new DependentCache(data, 'Cache', { vpc });
  if (options.withCluster === false) {
    return { app, network, vpc, data, database, cache };
  }
  const clusterStack = testStack(app, 'Cluster');
  const cluster = new SafeCluster(clusterStack, 'Payments', {
    version: options.version ?? eks.KubernetesVersion.V1_34,
    clusterName: options.clusterName ?? 'payments-blue',
    vpc,
    defaultCapacity: 0,
  });
  database.allowFrom(cluster);
  cache.allowFrom(cluster);
  return { app, network, vpc, data, database, cache, clusterStack, cluster };
}
