/**
 * An app built with plain aws-cdk-lib only, the way the aws-eks-v2 README wires a database: a cluster,
 * a managed node group without a launch template (so its nodes carry the EKS-created cluster security
 * group) and `db.connections.allowDefaultPortFrom(cluster)`. Every flow it needs rests on the group
 * an EKS upgrade can rewrite, which is what the incident replay must catch.
 */
import { App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { testApp, testStack, testVpc } from './offline-env';

export function buildPlainEksApp(app: App = testApp()): App {
  const vpc = testVpc(testStack(app, 'PlainNetwork'));
  const compute = testStack(app, 'PlainEks');
  const cluster = new eks.Cluster(compute, 'Cluster', {
    version: eks.KubernetesVersion.V1_34, vpc, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
  });
  cluster.addNodegroupCapacity('Workers', { instanceTypes: [new ec2.InstanceType('m6i.large')], minSize: 2 });
  const db = new rds.DatabaseInstance(testStack(app, 'PlainData'), 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, storageEncrypted: true,
  });
  db.connections.allowDefaultPortFrom(cluster);
  return app;
}
