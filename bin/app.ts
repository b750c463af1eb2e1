#!/usr/bin/env node
/**
 * Example app: a blue-green pair of SafeClusters (stacks Payments-Shared, -Blue, -Green, -Traffic) with
 * Aurora PostgreSQL and Valkey in Shared and ALB weighted traffic, checked by cdk-nag AwsSolutions,
 * EksUpgradeSafety and ConnectivityChecks at synth. Synthesizes offline: the environment, zones and
 * certificate are literal, nothing is looked up.
 */
import { App, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  BlueGreenClusterPair, ConnectivityChecks, DependentCache, DependentDatabase, EksUpgradeSafetyChecks, GuardrailTrail, PairColor, TrafficShift,
} from '../lib';

/** A placeholder account; synth needs no credentials and deploy takes the real one from CDK_DEPLOY_ACCOUNT. */
const account = process.env.CDK_DEPLOY_ACCOUNT ?? '111111111111';
const region = process.env.CDK_DEPLOY_REGION ?? 'eu-west-1';

export interface ExampleOptions {
  /**
   * State file of the pair (written by `cdk-safe-eks pair record`).
   *
   * @default 'cdk-safe-eks.state.json' beside cdk.json
   */
  readonly stateFile?: string;
  /**
   * Kubernetes version of the idle color (Green); the tests diff two versions of the app.
   *
   * @default eks.KubernetesVersion.V1_34
   */
  readonly idleVersion?: eks.KubernetesVersion;

  /**
   * Register AwsSolutions, EksUpgradeSafety and ConnectivityChecks (the bench turns them off to show their share).
   *
   * @default true
   */
  readonly checks?: boolean;
}

export function buildApp(app: App, options: ExampleOptions = {}): App {
  addPaymentsPair(app, { account, region }, options);
  // AwsSolutions for general hygiene; our pack and the app-wide flow proof for upgrade safety.
  if (options.checks === false) return app;
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new EksUpgradeSafetyChecks(app), new ConnectivityChecks());
  return app;
}

/** The example's pair `Payments` with its database and cache, in `scope` (the App, or a Stage of a pipeline) and `env`. */
export function addPaymentsPair(scope: Construct, env: { account: string; region: string }, options: ExampleOptions = {}): BlueGreenClusterPair {
  const { account, region } = env;
  const general = { instanceTypes: [new ec2.InstanceType('m6i.large')], minSize: 2, desiredSize: 3, maxSize: 6 };
  const pair = new BlueGreenClusterPair(scope, 'Payments', {
    env,
    stateFile: options.stateFile,
    trafficShift: TrafficShift.albWeighted({
      certificateArn: `arn:aws:acm:${region}:${account}:certificate/00000000-0000-0000-0000-000000000000`,
    }),
    // Blue serves all traffic; Green is idle. `npx cdk-safe-eks pair plan --pair Payments --to 1.35` prints the upgrade.
    blue: { version: eks.KubernetesVersion.V1_34, weight: 100, nodegroups: { General: general }, minHealthyHosts: 2 },
    // Idle and unprotected: the REPLACE strategy recreates it at the next version, which protection would block.
    green: { version: options.idleVersion ?? eks.KubernetesVersion.V1_34, weight: 0, nodegroups: { General: general }, deletionProtection: false, minHealthyHosts: 2 },
    adminRoleArns: [`arn:aws:iam::${account}:role/platform-admin`],
    // Each color's guardrails (alerts on changes of its groups and cluster, fixed-name alarms) match the events of this trail.
    guardrailTrail: GuardrailTrail.organizationTrail('The AWS Control Tower organization trail logs management events in every governed region.'),
  });
  for (const color of [PairColor.BLUE, PairColor.GREEN]) {
    // Webhooks outside the common ports: each a named flow that every check proves, in each color.
    pair.clusterOf(color)?.addWebhookPort(15017, 'Istio sidecar injector');
    pair.clusterOf(color)?.addWebhookPort(8080, 'Vault agent injector');
  }
  const database = new DependentDatabase(pair.sharedStack, 'PaymentsDatabase', { vpc: pair.vpc, databaseName: 'payments' });
  // The rotation function runs in the private subnets, whose NAT route reaches Secrets Manager.
  database.addRotationSingleUser({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
  pair.addDataStore(database);
  pair.addDataStore(new DependentCache(pair.sharedStack, 'PaymentsCache', { vpc: pair.vpc }));
  return pair;
}

if (require.main === module) {
  buildApp(new App()).synth();
}
