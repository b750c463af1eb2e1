/**
 * The catalogue of findings: every rule ID, level, cause, explanation and finding kind the library
 * reports. The nag pack, `ConnectivityChecks`, the synth-time check, the CLI and RULES.md all read it.
 * IDs are `EksUpgradeSafety-<suffix>`, with `[<finding>]` for one of several findings on a resource.
 */
import { WorkloadKind } from './workloads';

/** How bad a finding is: `Error` fails synthesis and `verify`; `Warning` is reported (cdk-nag v3 still fails synthesis on it until acknowledged). */
export const FindingLevel = { ERROR: 'Error', WARNING: 'Warning' } as const;
export type FindingLevel = (typeof FindingLevel)[keyof typeof FindingLevel];

/** One rule of the catalogue. */
export interface FindingRule {
  /** `ESG1`, `EFL1`... */
  readonly suffix: string;
  /** `EksUpgradeSafety-<suffix>`. */
  readonly id: string;
  readonly level: FindingLevel;
  /** What was found. */
  readonly info: string;
  /** Why it matters and what to do. */
  readonly explanation: string;
  /** The granular findings, as RULES.md lists them; empty when the rule reports the resource as a whole. */
  readonly findings: string;
}

/** Prefix of every rule ID: the nag pack's name. */
export const FINDINGS_PREFIX = 'EksUpgradeSafety';

function rule(suffix: string, level: FindingLevel, info: string, explanation: string, findings = ''): FindingRule {
  return { suffix, id: `${FINDINGS_PREFIX}-${suffix}`, level, info, explanation, findings };
}

const { ERROR, WARNING } = FindingLevel;

/** Every rule, by what it is about; order is the order the nag pack applies them in. */
export const Findings = {
  SECURITY_GROUP_PEER: rule('ESG1', ERROR,
    'The security-group rule trusts the group EKS created for a cluster (the cluster\'s ClusterSecurityGroupId attribute, directly or through an export), as its peer or as the group it is written on.',
    'EKS owns that group and rewrites its rules when the cluster is updated; in the 2021-01-11 TaxJar outage the rule that let nodes, caches and databases talk disappeared in an upgrade. Trust an owned node security group instead.'),
  NODEGROUP_GROUPS: rule('ENG1', ERROR,
    'The managed node group has no launch template, or its launch template names no security group or names the EKS-created cluster security group.',
    'Without a launch template that names its own groups, EKS puts the EKS-created cluster security group on every node, and node connectivity then rests on rules EKS may rewrite. Use a launch template that carries only owned groups (SafeCluster.addNodegroup does).',
    '`NoLaunchTemplate`, `LaunchTemplateWithoutSecurityGroups`, `LaunchTemplateCarriesClusterSecurityGroup`'),
  FLOW: rule('EFL1', ERROR,
    'A required control plane <-> node flow of the cluster does not hold through owned rules alone: it fails, or holds only through the EKS-created group, when every rule of or naming that group is removed (incident replay).',
    'Every flow of the required-flow table (443 and 10250 to nodes, 443 to the API, DNS and ephemeral ports between nodes, webhook ports) must be an owned ingress and egress rule between owned groups, or an upgrade that rewrites the EKS-created group can take it away. Webhook flows a cluster does not use can be acknowledged per flow.',
    '`Flow::<flow id>` for each flow of the required-flow table that fails, e.g. `Flow::ControlPlaneToNodesWebhook9443`; '
    + '`Flow::<flow id>::<workload>` for the same flow of Auto Mode nodes (`auto-mode-nodes`), Fargate pods (`fargate-pods`) or an in-VPC Lambda client (`vpc-lambda`)'),
  PUBLIC_ENDPOINT: rule('ECL1', ERROR,
    'The EKS cluster\'s Kubernetes API endpoint is public (finding per allowed range; 0.0.0.0/0, the default, is the worst case).',
    'A public endpoint exposes the API server to the internet. Keep it private and reach it from inside the VPC; if it must be public, restrict it to known ranges.',
    '`PublicAccessCidr::<cidr>` for each range the endpoint is open to; `PublicAccessCidr::0.0.0.0/0` when none is set'),
  CONTROL_PLANE_LOGS: rule('ECL2', ERROR,
    'The EKS cluster does not export all control-plane log types (api, audit, authenticator, controllerManager, scheduler).',
    'Control-plane logs are the record of what changed during an upgrade; without them a failed upgrade cannot be investigated afterwards.',
    '`LogExport::<type>` for each missing type: `api`, `audit`, `authenticator`, `controllerManager`, `scheduler`'),
  UPGRADE_POLICY: rule('ECL3', ERROR,
    'The EKS cluster does not set UpgradePolicy.SupportType to EXTENDED (unset means STANDARD).',
    'With STANDARD support AWS upgrades the control plane in place when its version leaves standard support: an upgrade nobody scheduled or tested, the kind a blue-green pair exists to replace. EXTENDED keeps the version, billed, until you move.'),
  FARGATE_PROFILE: rule('EFG1', WARNING,
    'The EKS Fargate profile runs pods with the group EKS created for the cluster.',
    'Fargate pods always use the EKS-created cluster security group; their connectivity rests on rules EKS manages and may rewrite on upgrade. Prefer a node group for workloads that must survive upgrades.'),
  GUARDRAILS: rule('EGR1', ERROR,
    'The EKS cluster has no run-time guardrails in the app: no enabled EventBridge rule on EC2 calls names its EKS-created and control-plane security groups, or none on EKS calls names the cluster.',
    'Rules can still be revoked outside CloudFormation, and EKS rewrites the group it created on every cluster update; in the 2021-01-11 TaxJar outage people found the missing rule after every node was NotReady. Add ClusterGuardrails (SafeCluster.addGuardrails) so each such change alerts within minutes, or acknowledge with the reason.',
    '`SecurityGroupChanges`, `ClusterChanges`'),
  DATA_STORE: rule('EDS1', ERROR,
    'The database or cache carries the group EKS created for a cluster, or admits the cluster\'s nodes only through that group.',
    'If nodes reach a data store only because the store trusts the EKS-created group, an upgrade that rewrites that group cuts the workloads off from their data. Admit an owned node security group (the one on the node groups\' launch templates).',
    '`CarriesClusterSecurityGroup`, `ReachableOnlyThroughClusterSecurityGroup`'),
  UNPROVEN: rule('EUP1', ERROR,
    'Nothing could be proven about the EKS cluster: the app has no node group, self-managed nodes, Auto Mode or Fargate profile of it whose flows could be evaluated.',
    'Zero proven flows is not a pass: a cluster whose workloads the proof cannot see may rest entirely on the EKS-created group. Add the cluster\'s compute to the app (or a SafeCluster, which records its owned node group), or acknowledge with the reason.'),
  ASSEMBLY_UNREADABLE: rule('EAS1', ERROR,
    'The synthesized cloud assembly could not be read, so no flow of it could be proven.',
    'Synthesize again; pass the directory `cdk synth` wrote (usually cdk.out).'),
} as const;

/** Every rule of the catalogue, in the order the nag pack applies them. */
export const ALL_FINDING_RULES: readonly FindingRule[] = Object.values(Findings);

/** `<rule ID>[<finding>]`, or the rule ID alone. */
export function findingId(rule: FindingRule, finding?: string): string {
  return finding === undefined ? rule.id : `${rule.id}[${finding}]`;
}

/** The granular finding of a failing flow: `Flow::<flow id>`, with `::<workload>` for workloads other than node groups. */
export function flowFinding(flowId: string, workload: WorkloadKind): string {
  return `Flow::${flowId}${workload === WorkloadKind.NODES ? '' : `::${workload}`}`;
}
