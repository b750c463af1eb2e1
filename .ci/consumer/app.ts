/**
 * A fresh CDK app that installs cdk-safe-eks from its npm tarball, as another team would: compiled
 * with tsc (strict), run with plain node, no ts-node. .ci/consumer-test.sh builds and runs it.
 */
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  ConnectivityChecks, DependentCache, DependentDatabase, EksUpgradeSafetyChecks, GuardrailTrail, SafeCluster, SafeVpc,
} from 'cdk-safe-eks';

const env = { account: '222222222222', region: 'us-east-2' };

/** Literal zones: with a concrete env, the default getter would look them up in the account. */
class OfflineStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { env, ...props });
  }

  public get availabilityZones(): string[] {
    return ['us-east-2a', 'us-east-2b'];
  }
}

const app = new App();
const network = new OfflineStack(app, 'ConsumerNetwork');
const vpc = new SafeVpc(network, 'Vpc', {
  availabilityZones: network.availabilityZones,
  natGateways: 1,
  subnetConfiguration: [
    { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
    { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  ],
});

const data = new OfflineStack(app, 'ConsumerData');
const database = new DependentDatabase(data, 'Orders', { vpc, databaseName: 'orders' });
const cache = new DependentCache(data, 'Sessions', { vpc });

const clusters = new OfflineStack(app, 'ConsumerCluster');
const admin = new iam.Role(clusters, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
const cluster = new SafeCluster(clusters, 'Shop', {
  clusterName: 'shop-blue',
  version: eks.KubernetesVersion.V1_34,
  vpc,
  adminRoles: [admin],
  defaultCapacity: 0,
});
cluster.addNodegroup('General', { instanceTypes: [new ec2.InstanceType('m7g.large')], minSize: 2, desiredSize: 2, maxSize: 4 });
database.allowFrom(cluster);
cache.allowFrom(cluster);
// Without a target group here: the changes alarm and the account's event rules (EksUpgradeSafety-EGR1).
cluster.addGuardrails({ trail: GuardrailTrail.organizationTrail('The AWS Control Tower organization trail logs management events in every governed region.') });
database.addRotationSingleUser({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new EksUpgradeSafetyChecks(app), new ConnectivityChecks());
