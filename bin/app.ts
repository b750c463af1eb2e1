#!/usr/bin/env node
/**
 * Example app: one VPC and one SafeCluster, checked by cdk-nag AwsSolutions and EksUpgradeSafety at synth.
 * Synthesizes offline: the environment and availability zones are literal, nothing is looked up.
 */
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { ConnectivityChecks, DependentCache, DependentDatabase, EksUpgradeSafetyChecks, SafeCluster } from '../lib';

/** A placeholder account; synth needs no credentials and deploy takes the real one from CDK_DEPLOY_ACCOUNT. */
const env = {
  account: process.env.CDK_DEPLOY_ACCOUNT ?? '111111111111',
  region: process.env.CDK_DEPLOY_REGION ?? 'eu-west-1',
};

export class NetworkStack extends Stack {
  public readonly vpc: ec2.Vpc;

  /** Literal zones: with a concrete env, the default getter would look them up in the account. */
  public get availabilityZones(): string[] {
    return [`${this.region}a`, `${this.region}b`, `${this.region}c`];
  }

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.40.0.0/16'),
      availabilityZones: this.availabilityZones,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      flowLogs: { All: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });
    Validations.of(this.vpc).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason: 'Zones are pinned so that synth never looks them up in an account; they follow the region of the env.',
    });
  }
}

export interface ClusterStackProps extends StackProps {
  readonly vpc: ec2.IVpc;
}

export class ClusterStack extends Stack {
  public readonly cluster: SafeCluster;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const admin = new iam.Role(this, 'ClusterAdmin', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Break-glass cluster admin, assumed from the account with MFA enforced by account policy',
    });
    this.cluster = new SafeCluster(this, 'Payments', {
      clusterName: 'payments-blue',
      version: eks.KubernetesVersion.V1_34,
      vpc: props.vpc,
      adminRoles: [admin],
      defaultCapacity: 0,
    });
    // Webhooks outside the common ports: each a named flow that every check proves.
    this.cluster.addWebhookPort(15017, 'Istio sidecar injector');
    this.cluster.addWebhookPort(8080, 'Vault agent injector');
    this.cluster.addNodegroup('General', {
      instanceTypes: [new ec2.InstanceType('m6i.large')],
      minSize: 2, desiredSize: 3, maxSize: 6,
    });
  }
}

export interface DataStackProps extends StackProps {
  readonly vpc: ec2.IVpc;
}

/** The database and cache of the payments workloads: a stack of its own, so no cluster change ever touches it. */
export class DataStack extends Stack {
  public readonly database: DependentDatabase;
  public readonly cache: DependentCache;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.database = new DependentDatabase(this, 'PaymentsDatabase', { vpc: props.vpc, databaseName: 'payments' });
    this.cache = new DependentCache(this, 'PaymentsCache', { vpc: props.vpc });
  }
}

export function buildApp(app: App): App {
  const network = new NetworkStack(app, 'SafeEksNetwork', { env });
  const data = new DataStack(app, 'SafeEksData', { env, vpc: network.vpc });
  const clusters = new ClusterStack(app, 'SafeEksCluster', { env, vpc: network.vpc });
  // The rules land in SafeEksCluster: deleting that stack never changes SafeEksData.
  data.database.allowFrom(clusters.cluster);
  data.cache.allowFrom(clusters.cluster);
  // The rotation function runs in the private subnets, whose NAT route reaches Secrets Manager.
  data.database.addRotationSingleUser({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
  // AwsSolutions for general hygiene; our pack and the app-wide flow proof for upgrade safety.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new EksUpgradeSafetyChecks(app), new ConnectivityChecks());
  return app;
}

if (require.main === module) {
  buildApp(new App()).synth();
}
