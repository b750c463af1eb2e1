import { parseIpv4Cidr } from './cidr';
import { isJsonObject } from './json';
import { FlowCategory, FlowProtocol, FlowRole, RequiredFlow, RequiredFlows } from './required-flows';

/**
 * Key of the CloudFormation `Metadata` entry in which a `SafeCluster` records, on its `AWS::EKS::Cluster`,
 * what it requires. Every checker (synth-time validation, nag pack, `ConnectivityChecks`, `cdk-safe-eks
 * verify`) reads the template, so they all prove the same choice without being told it again.
 */
export const INTENT_METADATA_KEY = 'cdk-safe-eks:intent';

/**
 * Key of the `Metadata` entry a blue-green pair writes on each color's `AWS::EKS::Cluster`: `{ pair, color }`.
 * Here, below both, because the cluster reads it too: a name clash of a pair's clusters is fixed with the pair's `namePrefix`.
 */
export const PAIR_COLOR_METADATA_KEY = 'cdk-safe-eks:pair';

/** Version of the recorded shape; a reader refuses shapes it does not know rather than guess. */
const SCHEMA_VERSION = 1;

/** What a cluster declared it requires, as read back from its template. */
export interface ClusterIntent {
  /** The control plane <-> node flows the cluster writes and wants proven, in the order written. */
  readonly requiredFlows: readonly RequiredFlow[];
  /** IPv4 CIDR of the cluster's VPC when the cluster recorded a literal one: the source of `FlowRole.VPC` flows. */
  readonly vpcCidr?: string;
  /** Group key of the owned group Karpenter's nodes carry (nodes no template declares), when the cluster enabled Karpenter. */
  readonly karpenterNodeGroup?: string;
  /** Logical ID, in the cluster's stack, of the owned group every node of the cluster carries. */
  readonly nodeSecurityGroup?: string;
  /** Findings (catalogue IDs) the cluster's author acknowledged, with the reason; every checker honours them. */
  readonly acknowledgements: readonly FindingAcknowledgement[];
}

/** A finding accepted on purpose. */
export interface FindingAcknowledgement {
  /** Catalogue ID, e.g. `EksUpgradeSafety-EFL1[Flow::NodesToNodesDnsUdp::fargate-pods]`. */
  readonly id: string;
  readonly reason: string;
}

/** What a cluster records besides its flows. */
export interface IntentExtras {
  /** IPv4 CIDR of the cluster's VPC; recorded only when literal (a token cannot be proven from the template). */
  readonly vpcCidr?: string;
  /** The owned group Karpenter's nodes carry, as a CloudFormation value (a token until synthesis). */
  readonly karpenterNodeGroup?: unknown;
  /** Logical ID of the owned node group (a token until synthesis). */
  readonly nodeSecurityGroup?: string;
  readonly acknowledgements?: readonly FindingAcknowledgement[];
}

/** The metadata value recording `flows` (reasons stay in the code: prose in a template is churn). */
export function intentMetadata(flows: readonly RequiredFlow[], extras: IntentExtras = {}): { [key: string]: unknown } {
  const { vpcCidr, karpenterNodeGroup } = extras;
  const acknowledgements = extras.acknowledgements ?? [];
  return {
    schemaVersion: SCHEMA_VERSION,
    ...(karpenterNodeGroup !== undefined ? { karpenterNodeGroup } : {}),
    // Literal only: with it a flow from the VPC is proven from the cluster's own template.
    ...(vpcCidr !== undefined && parseIpv4Cidr(vpcCidr) !== undefined ? { vpcCidr } : {}),
    requiredFlows: flows.map((f) => ({
      id: f.id, source: f.source, destination: f.destination, protocol: f.protocol,
      fromPort: f.fromPort, toPort: f.toPort, category: f.category,
      // A peer group is a token here; CloudFormation values in the template say which group it is.
      ...(f.peerCidr !== undefined ? { peerCidr: f.peerCidr } : {}),
      ...(f.peerGroup !== undefined ? { peerGroup: f.peerGroup } : {}),
    })),
    ...extras.nodeSecurityGroup !== undefined ? { nodeSecurityGroup: extras.nodeSecurityGroup } : {},
    ...acknowledgements.length > 0 ? { acknowledgements: acknowledgements.map(({ id, reason }) => ({ id, reason })) } : {},
  };
}

/**
 * Reads the intent a cluster resource recorded. A cluster without one (built without this library)
 * gets `undefined`: the checks then require the whole table. A malformed record is a warning and is
 * treated the same way, so a damaged template can only make the proof stricter.
 */
export function readIntent(
  metadata: unknown, where: string, warnings: string[], resolvePeerGroup: PeerGroupResolver = () => undefined,
): ClusterIntent | undefined {
  const raw = isJsonObject(metadata) ? metadata[INTENT_METADATA_KEY] : undefined;
  if (raw === undefined) return undefined;
  const flows = isJsonObject(raw) && raw.schemaVersion === SCHEMA_VERSION && Array.isArray(raw.requiredFlows)
    ? raw.requiredFlows.map((f) => readFlow(f, resolvePeerGroup)) : undefined;
  if (!isJsonObject(raw) || flows === undefined || flows.some((f) => f === undefined)) {
    warnings.push(`${where}: ${INTENT_METADATA_KEY} metadata is not a schema ${SCHEMA_VERSION} record; the whole required-flow table is proven instead`);
    return undefined;
  }
  const vpcCidr = typeof raw.vpcCidr === 'string' && parseIpv4Cidr(raw.vpcCidr) !== undefined ? raw.vpcCidr : undefined;
  const karpenter = raw.karpenterNodeGroup !== undefined ? resolvePeerGroup(raw.karpenterNodeGroup) : undefined;
  const acknowledgements = Array.isArray(raw.acknowledgements) ? raw.acknowledgements : [];
  const acks = acknowledgements.filter((a): a is FindingAcknowledgement =>
    isJsonObject(a) && typeof a.id === 'string' && typeof a.reason === 'string' && a.reason.trim() !== '');
  if (acks.length !== acknowledgements.length || (raw.acknowledgements !== undefined && !Array.isArray(raw.acknowledgements))) {
    warnings.push(`${where}: ${INTENT_METADATA_KEY} has acknowledgements without an id and a reason; those are ignored`);
  }
  const nodeSecurityGroup = typeof raw.nodeSecurityGroup === 'string' ? raw.nodeSecurityGroup : undefined;
  return {
    requiredFlows: flows as RequiredFlow[], ...(vpcCidr !== undefined ? { vpcCidr } : {}),
    ...(karpenter !== undefined ? { karpenterNodeGroup: karpenter } : {}),
    nodeSecurityGroup, acknowledgements: acks,
  };
}

/**
 * Turns a recorded peer group (a CloudFormation value such as `Fn::GetAtt` or `Fn::ImportValue`) into
 * the model's group key, or undefined when it cannot be followed in the templates at hand.
 */
export type PeerGroupResolver = (raw: unknown) => string | undefined;

const TABLE_REASONS = new Map([...RequiredFlows.all(), ...RequiredFlows.allTraffic()].map((f) => [f.id, f.reason]));
/** Marks a recorded peer group that the templates at hand cannot follow: the flow is reported, not proven. */
export const UNRESOLVED_PEER = '<unresolved peer group>';

function readFlow(raw: unknown, resolvePeerGroup: PeerGroupResolver): RequiredFlow | undefined {
  if (!isJsonObject(raw) || typeof raw.id !== 'string' || raw.id === '') return undefined;
  const source = enumValue(FlowRole, raw.source);
  const destination = enumValue(FlowRole, raw.destination);
  const protocol = enumValue(FlowProtocol, raw.protocol);
  const category = enumValue(FlowCategory, raw.category);
  const { fromPort, toPort } = raw;
  if (source === undefined || destination === undefined || protocol === undefined || category === undefined) return undefined;
  if (!isPort(fromPort) || !isPort(toPort) || fromPort > toPort) return undefined;
  if (raw.peerCidr !== undefined && typeof raw.peerCidr !== 'string') return undefined;
  const reason = TABLE_REASONS.get(raw.id) ?? 'Declared by the cluster in its recorded intent.';
  const peer = raw.peerGroup === undefined ? {} : { peerGroup: resolvePeerGroup(raw.peerGroup) ?? UNRESOLVED_PEER };
  return {
    id: raw.id, source, destination, protocol, fromPort, toPort, category, reason,
    ...(raw.peerCidr !== undefined ? { peerCidr: raw.peerCidr } : {}), ...peer,
  };
}

function enumValue<T extends string>(values: { [key: string]: T }, raw: unknown): T | undefined {
  return Object.values(values).find((v) => v === raw);
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535;
}

