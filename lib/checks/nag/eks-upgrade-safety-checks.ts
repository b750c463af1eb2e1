import { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { IApplyRule, NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  DataStoreNoClusterSecurityGroupDependency, EksClusterConnectivityProven, EksClusterControlPlaneLogsComplete, EksClusterExplicitUpgradePolicy, EksClusterGuardrails,
  EksClusterNoPublicEndpoint, EksClusterRequiredFlowsOwned, EksNodegroupOwnedSecurityGroups, EksNoFargateProfile,
  SecurityGroupNoClusterSecurityGroupPeer,
} from './rules';
import { TemplateView } from './private/cfn';
import { FindingLevel, FindingRule, Findings, FINDINGS_PREFIX } from '../../model/findings';
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
  public readonly name = FINDINGS_PREFIX;

  constructor(scope?: IConstruct, props?: NagPackProps) {
    checkValue('EksUpgradeSafetyChecks', 'scope', scope, CONSTRUCT);
    checkProps('EksUpgradeSafetyChecks', 'props', props, {}, false);
    super(scope, props);
    this.packName = FINDINGS_PREFIX;
  }

  /** Validates with the app's flow model and rendered properties memoised for the pass (the tree does not change during it). */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    checkValue('EksUpgradeSafetyChecks.validateScope', 'scope', scope, { ...CONSTRUCT, required: true });
    return TemplateView.during(scope, () => super.validateScope(scope));
  }

  protected checkResource(node: CfnResource): void {
    this.checkSecurityGroups(node);
    this.checkClusters(node);
    this.checkDataStores(node);
    this.applyCatalogueRule(Findings.UNPROVEN, EksClusterConnectivityProven, node);
  }

  private checkSecurityGroups(node: CfnResource): void {
    this.applyCatalogueRule(Findings.SECURITY_GROUP_PEER, SecurityGroupNoClusterSecurityGroupPeer, node);
    this.applyCatalogueRule(Findings.NODEGROUP_GROUPS, EksNodegroupOwnedSecurityGroups, node);
  }

  private checkClusters(node: CfnResource): void {
    this.applyCatalogueRule(Findings.FLOW, EksClusterRequiredFlowsOwned, node);
    this.applyCatalogueRule(Findings.PUBLIC_ENDPOINT, EksClusterNoPublicEndpoint, node);
    this.applyCatalogueRule(Findings.CONTROL_PLANE_LOGS, EksClusterControlPlaneLogsComplete, node);
    this.applyCatalogueRule(Findings.UPGRADE_POLICY, EksClusterExplicitUpgradePolicy, node);
    this.applyCatalogueRule(Findings.FARGATE_PROFILE, EksNoFargateProfile, node);
    this.applyCatalogueRule(Findings.GUARDRAILS, EksClusterGuardrails, node);
  }

  private checkDataStores(node: CfnResource): void {
    this.applyCatalogueRule(Findings.DATA_STORE, DataStoreNoClusterSecurityGroupDependency, node);
  }

  // ID, level, cause and explanation come from the one catalogue ConnectivityChecks, the CLI and RULES.md read.
  private applyCatalogueRule(finding: FindingRule, rule: IApplyRule['rule'], node: CfnResource): void {
    this.applyRule({
      ruleSuffixOverride: finding.suffix, info: finding.info, explanation: finding.explanation,
      level: finding.level === FindingLevel.WARNING ? NagMessageLevel.WARN : NagMessageLevel.ERROR, rule, node,
    });
  }
}
