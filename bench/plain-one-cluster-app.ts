/**
 * The comparison app of the synthesis bench: one stack with a VPC and a plain aws-eks-v2 cluster with
 * a managed node group, as the aws-eks-v2 README builds it. Run as a program it synthesizes like bin/app.ts.
 */
import { App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { testStack, testVpc } from './offline-env';

export function buildPlainOneClusterApp(app: App): App {
  const stack = testStack(app, 'PlainEks');
  const cluster = new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
  });
  cluster.addNodegroupCapacity('Workers', { instanceTypes: [new ec2.InstanceType('m6i.large')], minSize: 2 });
  return app;
}

if (require.main === module) {
  buildPlainOneClusterApp(new App()).synth();
}
