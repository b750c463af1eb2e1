import { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  DataStoreNoClusterSecurityGroupDependency, EksClusterControlPlaneLogsComplete, EksClusterExplicitUpgradePolicy,
  EksClusterNoPublicEndpoint, EksClusterRequiredFlowsOwned, EksNodegroupOwnedSecurityGroups, EksNoFargateProfile,
  SecurityGroupNoClusterSecurityGroupPeer,
} from './rules';
import { withAppView } from './private/cfn';
import { TypeSpec, checkProps, checkValue } from '../../private/guards';

const CONSTRUCT: TypeSpec = { type: 'object', name: 'construct', members: ['node'] };

/**
 * cdk-nag (v3) pack: finds what makes an EKS cluster's connectivity depend on the security group EKS
 * creates and may rewrite during an upgrade, and settings that make upgrades silent or uninvestigable.
 * Matches on CloudFormation resource types, so aws-eks-v2, aws-eks and L1 clusters are all checked.
 *
 * Register with `Validations.of(app).addPlugins(new EksUpgradeSafetyChecks(app))`; acknowledge a finding
 * with `Validations.of(construct).acknowledge({ id: 'EksUpgradeSafety-ESG1', reason })`.
 * Rule IDs, causes and explanations are listed in `lib/checks/nag/RULES.md`.
 */
export class EksUpgradeSafetyChecks extends NagPack {
  public readonly name = 'EksUpgradeSafety';

  constructor(scope?: IConstruct, props?: NagPackProps) {
    checkValue('EksUpgradeSafetyChecks', 'scope', scope, CONSTRUCT);
    checkProps('EksUpgradeSafetyChecks', 'props', props, {}, false);
    super(scope, props);
    this.packName = 'EksUpgradeSafety';
  }

  /** Validates with the app's flow model and rendered properties memoised for the pass (the tree does not change during it). */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    checkValue('EksUpgradeSafetyChecks.validateScope', 'scope', scope, { ...CONSTRUCT, required: true });
    return withAppView(scope, () => super.validateScope(scope));
  }

  protected checkResource(node: CfnResource): void {
    this.checkSecurityGroups(node);
    this.checkClusters(node);
    this.checkDataStores(node);
  }

  private checkSecurityGroups(node: CfnResource): void {
    this.applyRule({
      ruleSuffixOverride: 'ESG1',
      info: 'The security-group rule trusts the group EKS created for a cluster (the cluster\'s ClusterSecurityGroupId attribute, directly or through an export), as its peer or as the group it is written on.',
      explanation: 'EKS owns that group and rewrites its rules when the cluster is updated; in the 2021-01-11 TaxJar outage the rule that let nodes, caches and databases talk disappeared in an upgrade. Trust an owned node security group instead.',
      level: NagMessageLevel.ERROR, rule: SecurityGroupNoClusterSecurityGroupPeer, node,
    });
    this.applyRule({
      ruleSuffixOverride: 'ENG1',
      info: 'The managed node group has no launch template, or its launch template names no security group or names the group EKS created for the cluster.',
      explanation: 'Without a launch template that names its own groups, EKS puts the cluster security group it owns on every node, and node connectivity then rests on rules EKS may rewrite. Use a launch template that carries only owned groups (SafeCluster.addNodegroup does).',
      level: NagMessageLevel.ERROR, rule: EksNodegroupOwnedSecurityGroups, node,
    });
  }

  private checkClusters(node: CfnResource): void {
    this.applyRule({
      ruleSuffixOverride: 'EFL1',
      info: 'A required control plane <-> node flow of the cluster does not hold through owned rules alone: it fails, or holds only through the EKS-created group, when every rule of or naming that group is removed (incident replay).',
      explanation: 'Every flow of the required-flow table (443 and 10250 to nodes, 443 to the API, DNS and ephemeral ports between nodes, webhook ports) must be an owned ingress and egress rule between owned groups, or an upgrade that rewrites the EKS-created group can take it away. Webhook flows a cluster does not use can be acknowledged per flow.',
      level: NagMessageLevel.ERROR, rule: EksClusterRequiredFlowsOwned, node,
    });
    this.applyRule({
      ruleSuffixOverride: 'ECL1',
      info: 'The EKS cluster\'s Kubernetes API endpoint is public (finding per allowed range; 0.0.0.0/0, the default, is the worst case).',
      explanation: 'A public endpoint exposes the API server to the internet. Keep it private and reach it from inside the VPC; if it must be public, restrict it to known ranges.',
      level: NagMessageLevel.ERROR, rule: EksClusterNoPublicEndpoint, node,
    });
    this.applyRule({
      ruleSuffixOverride: 'ECL2',
      info: 'The EKS cluster does not export all control-plane log types (api, audit, authenticator, controllerManager, scheduler).',
      explanation: 'Control-plane logs are the record of what changed during an upgrade; without them a failed upgrade cannot be investigated afterwards.',
      level: NagMessageLevel.ERROR, rule: EksClusterControlPlaneLogsComplete, node,
    });
    this.applyRule({
      ruleSuffixOverride: 'ECL3',
      info: 'The EKS cluster does not set UpgradePolicy.SupportType to EXTENDED (unset means STANDARD).',
      explanation: 'With STANDARD support AWS upgrades the control plane in place when its version leaves standard support: an upgrade nobody scheduled or tested, the kind a blue-green pair exists to replace. EXTENDED keeps the version, billed, until you move.',
      level: NagMessageLevel.ERROR, rule: EksClusterExplicitUpgradePolicy, node,
    });
    this.applyRule({
      ruleSuffixOverride: 'EFG1',
      info: 'The EKS Fargate profile runs pods with the group EKS created for the cluster.',
      explanation: 'Fargate pods always use the EKS-created cluster security group; their connectivity rests on rules EKS manages and may rewrite on upgrade. Prefer a node group for workloads that must survive upgrades.',
      level: NagMessageLevel.WARN, rule: EksNoFargateProfile, node,
    });
  }

  private checkDataStores(node: CfnResource): void {
    this.applyRule({
      ruleSuffixOverride: 'EDS1',
      info: 'The database or cache carries the group EKS created for a cluster, or admits the cluster\'s nodes only through that group.',
      explanation: 'If nodes reach a data store only because the store trusts the EKS-created group, an upgrade that rewrites that group cuts the workloads off from their data. Admit an owned node security group (the one on the node groups\' launch templates).',
      level: NagMessageLevel.ERROR, rule: DataStoreNoClusterSecurityGroupDependency, node,
    });
  }
}
