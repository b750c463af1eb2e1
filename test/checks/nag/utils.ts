import { CfnResource, PolicyValidationPluginReport, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eksv1 from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import { NagMessageLevel, NagPack, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { TemplateView } from '../../../lib/checks/nag/private/cfn';

type Rule = (node: CfnResource) => NagRuleResult;

/** Runs the given rules, and only those, under pack name `Test` (as cdk-nag's own test/rules/utils.ts). */
export class TestPack extends NagPack {
  public readonly name = 'Test';

  constructor(private readonly rules: readonly Rule[]) {
    super();
    this.packName = 'Test';
  }

  /** As EksUpgradeSafetyChecks does, so the rules are tested with the memos they run with. */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    return TemplateView.during(scope, () => super.validateScope(scope));
  }

  protected checkResource(node: CfnResource): void {
    for (const rule of this.rules) {
      this.applyRule({ info: 'info.', explanation: 'explanation.', level: NagMessageLevel.ERROR, rule, node });
    }
  }
}

/**
 * What `rule` reports on `scope`, one line per resource: `<construct path>` for a non-compliance,
 * `<construct path> [<finding>]` for a granular finding, `<construct path> (error)` when the rule threw.
 */
export function reports(scope: IConstruct, rule: Rule): string[] {
  const prefix = `Test-${rule.name}`;
  return new TestPack([rule]).validateScope(scope).violations.flatMap((v) => {
    const finding = v.ruleName.slice(prefix.length);
    const suffix = v.description.startsWith('Rule threw') ? ' (error)' : finding ? ` ${finding}` : '';
    return v.violatingResources.map((r) => `${r.constructPath}${suffix}`);
  }).sort();
}

export const VERSION = eks.KubernetesVersion.V1_34;

/** A plain aws-eks-v2 cluster as its defaults make it (Auto Mode off so managed node groups can be added). */
export function plainV2Cluster(stack: Stack, vpc: ec2.IVpc, props: Partial<eks.ClusterProps> = {}): eks.Cluster {
  return new eks.Cluster(stack, 'Cluster', {
    version: VERSION, vpc, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP, ...props,
  });
}

/** An aws-eks (v1) cluster: a `Custom::AWSCDK-EKS-Cluster` resource. The kubectl layer is a placeholder ARN. */
export function v1Cluster(stack: Stack, vpc: ec2.IVpc, props: Partial<eksv1.ClusterProps> = {}): eksv1.Cluster {
  return new eksv1.Cluster(stack, 'V1Cluster', {
    version: eksv1.KubernetesVersion.V1_33, vpc, defaultCapacity: 0,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', `arn:aws:lambda:${stack.region}:${stack.account}:layer:kubectl:1`),
    ...props,
  });
}

const CLUSTER_ROLE_ARN = 'arn:aws:iam::111111111111:role/eks';
const NODE_ROLE_ARN = 'arn:aws:iam::111111111111:role/nodes';
export const SUBNETS = ['subnet-1'];

/** An L1 `AWS::EKS::Cluster` with only what CloudFormation requires, plus `props`. */
export function l1Cluster(stack: Stack, id: string, props: Partial<eks.CfnClusterProps> = {}): eks.CfnCluster {
  return new eks.CfnCluster(stack, id, { roleArn: CLUSTER_ROLE_ARN, resourcesVpcConfig: { subnetIds: SUBNETS }, ...props });
}

/** An L1 `AWS::EKS::Nodegroup` with only what CloudFormation requires, plus `props`. */
export function l1Nodegroup(stack: Stack, id: string, props: Partial<eks.CfnNodegroupProps> & { clusterName: string }): eks.CfnNodegroup {
  return new eks.CfnNodegroup(stack, id, { nodeRole: NODE_ROLE_ARN, subnets: SUBNETS, ...props });
}

/** An Aurora PostgreSQL cluster with one serverless writer. */
export function auroraCluster(vpc: ec2.IVpc, id = 'Db'): rds.DatabaseCluster {
  return new rds.DatabaseCluster(vpc.stack, id, {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    vpc, writer: rds.ClusterInstance.serverlessV2('Writer'),
  });
}
