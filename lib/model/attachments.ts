import { CfnReference, CfnResolver, CfnResourceJson, LoadedStack, ResolvedValue, storePort } from './cfn-resolver';
import { fargateProfileCluster, readEksCluster } from './eks-resources';
import { GroupRef } from './group-ref';
import { readIntent } from './intent';
import { isJsonObject, JsonObject } from './json';
import { Attachments, ClusterAttachment, NodegroupTemplate, PeerAttachment, SecurityGroupNode, Workload } from './network';
import { FlowRole } from './required-flows';
import { DATA_STORES, LOAD_BALANCER_TYPES, MODELLED_TYPES, ResourceType } from './resource-types';
import { SecurityGroupGraph } from './security-group-graph';
import { WorkloadKind } from './workloads';

/** One resource being read, with where it is. */
interface ResourceAt {
  readonly stack: LoadedStack;
  readonly logicalId: string;
  /** `<stack>/<logical ID>`. */
  readonly where: string;
  readonly type: string;
  readonly resource: CfnResourceJson;
  readonly props: JsonObject;
}

type ClusterEntry = ClusterAttachment & { readonly names: Set<string>; readonly stackId: string };

/** What the readers build up; readers of resources that belong to a cluster run once every cluster is known. */
class ReadState {
  public readonly clusters: ClusterEntry[] = [];
  public readonly dataStores: PeerAttachment[] = [];
  public readonly loadBalancers: PeerAttachment[] = [];
  public readonly templatesByName = new Map<string, { stackId: string; resource: CfnResourceJson }>();
  public readonly nodegroups = new Map<string, NodegroupTemplate>();
  public readonly dataStoreGroups = new Map<string, string[]>();
  public readonly afterClusters: Array<() => void> = [];
  public readonly afterWorkloads: Array<() => void> = [];

  constructor(
    public readonly resolver: CfnResolver,
    public readonly graph: SecurityGroupGraph,
    public readonly warnings: string[],
  ) {}

  public groups(value: unknown, stackId: string, where: string): string[] {
    return this.graph.groupsFor(value, stackId, where).map((g: SecurityGroupNode) => g.key);
  }

  /** The cluster a resolved name (literal, or `{{<stack>/<logical ID>}}` for a `Ref`) designates. */
  public clusterNamed(value: ResolvedValue | string): ClusterEntry | undefined {
    return this.clusters.find((c) => typeof value === 'string' && c.names.has(value));
  }

  public clusterOf(name: unknown, stackId: string): ClusterEntry | undefined {
    const resolved = this.resolver.resolveString(name, stackId);
    return this.clusterNamed(typeof resolved === 'string' ? resolved : '');
  }
}

type Reader = (state: ReadState, at: ResourceAt) => void;
const later = (read: Reader): Reader => (state, at) => state.afterClusters.push(() => read(state, at));
const last = (read: Reader): Reader => (state, at) => state.afterWorkloads.push(() => read(state, at));

/** One reader per resource type that carries security groups or tells what carries them. */
const READERS: { readonly [type: string]: Reader } = {
  [ResourceType.EKS_CLUSTER]: readCluster,
  [ResourceType.EKS_CLUSTER_V1]: readCluster,
  [ResourceType.LAUNCH_TEMPLATE]: readLaunchTemplateName,
  [ResourceType.EKS_NODEGROUP]: later(readNodegroup),
  [ResourceType.AUTO_SCALING_GROUP]: later(readAutoScalingGroup),
  [ResourceType.EKS_FARGATE_PROFILE]: later(readFargateProfile),
  [ResourceType.EKS_FARGATE_PROFILE_V1]: later(readFargateProfile),
  [ResourceType.LAMBDA_FUNCTION]: last(readLambdaFunction),
  ...Object.fromEntries(Object.keys(DATA_STORES).map((type) => [type, readDataStore])),
  ...Object.fromEntries([...LOAD_BALANCER_TYPES].map((type) => [type, readLoadBalancer])),
};
const CLUSTER_TAG = 'kubernetes.io/cluster/';
/** How each kind of workload that carries only the EKS-created group gets an owned one (the start of a fix). */
const OWN_GROUP_FIX = {
  autoMode: 'give the Auto Mode nodes an owned group (a NodeClass whose securityGroupSelectorTerms name it) or run the workloads on a node group with its own security group',
  fargate: 'run these pods on a node group with an owned security group, or give them one with a SecurityGroupPolicy (security groups for pods)',
  lambda: 'give the Lambda function a security group of its own (VpcConfig.SecurityGroupIds)',
};

/** Reads attachments from the templates; everything it cannot follow becomes a warning. */
export function readAttachments(
  resolver: CfnResolver, graph: SecurityGroupGraph, stacks: readonly LoadedStack[], warnings: string[],
): Attachments {
  const state = new ReadState(resolver, graph, warnings);
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const where = `${stack.id}/${logicalId}`;
      const type = resource?.Type;
      if (typeof type !== 'string') {
        warnings.push(`${where}: resource has no Type; skipped`);
        continue;
      }
      const props = isJsonObject(resource.Properties) ? resource.Properties : {};
      const read = READERS[type];
      if (read) read(state, { stack, logicalId, where, type, resource, props });
      else if (!MODELLED_TYPES.has(type) && /"(Vpc)?SecurityGroup(Id)?s"/.test(JSON.stringify(props))) {
        warnings.push(`${where}: ${type} carries security groups but is not modelled; flows to or from it are not evaluated`);
      }
    }
  }
  for (const read of state.afterClusters) read();
  for (const cluster of state.clusters) addRecordedNodes(cluster);
  for (const read of state.afterWorkloads) read();
  return {
    clusters: state.clusters.map(({ names: _names, stackId: _stackId, ...c }) => c), dataStores: state.dataStores, loadBalancers: state.loadBalancers,
    nodegroups: state.nodegroups, dataStoreGroups: state.dataStoreGroups,
  };
}

function readCluster(state: ReadState, { stack, logicalId, where, type, resource, props }: ResourceAt): void {
  const fields = readEksCluster(type, props)!;
  const eksCreatedGroup = GroupRef.eksCreatedBy(stack.id, logicalId).key;
  const additional = state.groups(fields.securityGroupIds, stack.id, where);
  const names = new Set([`{{${where}}}`]);
  const name = state.resolver.resolve(fields.name, stack.id);
  if (typeof name === 'string') names.add(name);
  const workloads: Workload[] = [];
  // Auto Mode nodes carry the EKS-created group (EKS user guide, automode: cluster security group).
  if (state.resolver.resolve(fields.autoMode, stack.id) === true) {
    workloads.push({ kind: WorkloadKind.AUTO_MODE_NODES, label: `Auto Mode nodes of ${where}`, groups: [eksCreatedGroup], ownGroupFix: OWN_GROUP_FIX.autoMode });
  }
  state.clusters.push({
    key: where, stackId: stack.id, eksCreatedGroup, names, workloads,
    controlPlane: { label: `control plane of ${where}`, groups: [...additional, eksCreatedGroup] },
    intent: readIntent(resource.Metadata, where, state.warnings,
      (peer) => state.graph.groupFor(state.resolver.resolve(peer, stack.id), `${where} intent`)?.key),
  });
}

// A SafeCluster records the owned group every node it adds will carry: its flows are proven on that group
// even before (or without) a node group in the same input.
function addRecordedNodes(cluster: ClusterEntry): void {
  const recorded = cluster.intent?.nodeSecurityGroup;
  if (recorded === undefined || cluster.workloads.some((w) => w.kind === WorkloadKind.NODES)) return;
  const group = GroupRef.ofResource(cluster.stackId, recorded).key;
  cluster.workloads.push({ kind: WorkloadKind.NODES, label: `nodes of ${cluster.key} (its recorded node security group)`, groups: [group] });
}

function readLaunchTemplateName(state: ReadState, { stack, props, resource }: ResourceAt): void {
  const name = state.resolver.resolve(props.LaunchTemplateName, stack.id);
  if (typeof name === 'string') state.templatesByName.set(name, { stackId: stack.id, resource });
}

function readNodegroup(state: ReadState, { stack, where, props }: ResourceAt): void {
  const template = isJsonObject(props.LaunchTemplate) ? props.LaunchTemplate : undefined;
  const groups = template === undefined ? [] : launchTemplateGroups(state, stack.id, template, where);
  state.nodegroups.set(where, { hasLaunchTemplate: template !== undefined, groups });
  const cluster = state.clusterOf(props.ClusterName, stack.id);
  if (!cluster) {
    state.warnings.push(`${where}: node group's cluster is not in the assembly; not modelled`);
  } else if (groups === undefined) {
    state.warnings.push(`${where}: launch template not found in the assembly; its nodes are not modelled`);
  } else {
    // EKS attaches its own cluster group only when the launch template names none (EKS user guide, launch-templates).
    cluster.workloads.push({ kind: WorkloadKind.NODES, label: `node group ${where}`, groups: groups.length > 0 ? groups : [cluster.eksCreatedGroup] });
  }
}

function readAutoScalingGroup(state: ReadState, { stack, where, props }: ResourceAt): void {
  const tags = state.resolver.resolve(props.Tags, stack.id);
  const cluster = Array.isArray(tags) ? tags.map((tag) => {
    const key = isJsonObject(tag) ? tag.Key : undefined;
    return typeof key === 'string' && key.startsWith(CLUSTER_TAG) ? state.clusterNamed(key.slice(CLUSTER_TAG.length)) : undefined;
  }).find((c) => c !== undefined) : undefined;
  if (!cluster) return;
  const groups = asgGroups(state, stack.id, props, where);
  if (groups !== undefined) cluster.workloads.push({ kind: WorkloadKind.NODES, label: `self-managed nodes ${where}`, groups });
}

// Fargate pods can only carry the EKS-created group (EKS user guide, fargate-pod-configuration).
function readFargateProfile(state: ReadState, { stack, where, type, props }: ResourceAt): void {
  const cluster = state.clusterOf(fargateProfileCluster(type, props)!.clusterName, stack.id);
  if (!cluster) {
    state.warnings.push(`${where}: Fargate profile's cluster is not in the assembly; its pods are not modelled`);
    return;
  }
  cluster.workloads.push({ kind: WorkloadKind.FARGATE_PODS, label: `Fargate pods of ${where}`, groups: [cluster.eksCreatedGroup], ownGroupFix: OWN_GROUP_FIX.fargate });
}

// A function in the VPC is an API client of a cluster when it carries the EKS-created group or a group a
// control-plane group admits (kubectl handlers of aws-eks and aws-eks-v2 are both). One that shares its
// groups with the cluster's nodes has their flows, which are proven for the nodes already.
function readLambdaFunction(state: ReadState, { stack, where, type, props }: ResourceAt): void {
  const vpcConfig = isJsonObject(props.VpcConfig) ? props.VpcConfig : undefined;
  if (vpcConfig === undefined) return;
  const groups = state.groups(vpcConfig.SecurityGroupIds, stack.id, where);
  const clients = state.clusters.filter((cluster) => {
    const admitted = new Set(cluster.controlPlane.groups.flatMap((k) => [...state.graph.ingressPeers.get(k) ?? []]));
    const onNodes = new Set(cluster.workloads.filter((w) => w.kind === WorkloadKind.NODES).flatMap((w) => w.groups));
    return groups.some((g) => g === cluster.eksCreatedGroup || admitted.has(g)) && !groups.every((g) => onNodes.has(g));
  });
  for (const cluster of clients) {
    cluster.workloads.push({ kind: WorkloadKind.VPC_LAMBDA, label: `Lambda function ${where}`, groups, ownGroupFix: OWN_GROUP_FIX.lambda });
  }
  if (clients.length === 0 && groups.length > 0) {
    state.warnings.push(`${where}: ${type} carries security groups but is not modelled (it is no API client of a cluster); flows to or from it are not evaluated`);
  }
}

function readDataStore(state: ReadState, { stack, where, type, resource, props }: ResourceAt): void {
  const { role, property } = DATA_STORES[type];
  const groups = state.groups(props[property], stack.id, where);
  state.dataStoreGroups.set(where, groups);
  // An Aurora instance takes its groups from its DB cluster, which is modelled itself.
  if (type === ResourceType.DB_INSTANCE && props.DBClusterIdentifier !== undefined) return;
  if (groups.length > 0) state.dataStores.push({ label: `${where} (${type})`, role, groups, port: storePort(resource) });
}

function readLoadBalancer(state: ReadState, { stack, where, type, props }: ResourceAt): void {
  const groups = state.groups(props.SecurityGroups, stack.id, where);
  if (groups.length > 0) state.loadBalancers.push({ label: `${where} (${type})`, role: FlowRole.LOAD_BALANCER, groups });
}

/** Groups a launch template gives its instances; `undefined` when the template is not in the assembly. */
function launchTemplateGroups(state: ReadState, stackId: string, spec: JsonObject, where: string): string[] | undefined {
  const { resolver } = state;
  const ref = resolver.resolve(spec.Id ?? spec.LaunchTemplateId, stackId);
  const name = resolver.resolve(spec.Name ?? spec.LaunchTemplateName, stackId);
  const isTemplate = (r: ResolvedValue): r is CfnReference => r instanceof CfnReference && resolver.target(r)?.Type === ResourceType.LAUNCH_TEMPLATE;
  const byRef = [ref, name].find(isTemplate);
  const template = byRef !== undefined ? { stackId: byRef.stackId, resource: resolver.target(byRef)! }
    : typeof name === 'string' ? state.templatesByName.get(name) : undefined;
  if (!template) return undefined;
  const data = isJsonObject(template.resource.Properties?.LaunchTemplateData) ? template.resource.Properties.LaunchTemplateData : {};
  const direct = state.groups(data.SecurityGroupIds, template.stackId, where);
  const interfaces = resolver.resolve(data.NetworkInterfaces, template.stackId);
  const viaInterfaces = (Array.isArray(interfaces) ? interfaces : []).flatMap((ni) =>
    state.groups(isJsonObject(ni) ? ni.Groups : undefined, template.stackId, where));
  return [...new Set([...direct, ...viaInterfaces])];
}

function asgGroups(state: ReadState, stackId: string, props: JsonObject, where: string): string[] | undefined {
  const mixed = (props.MixedInstancesPolicy as { LaunchTemplate?: { LaunchTemplateSpecification?: unknown } } | undefined)
    ?.LaunchTemplate?.LaunchTemplateSpecification;
  const spec = props.LaunchTemplate ?? mixed;
  if (isJsonObject(spec)) {
    const groups = launchTemplateGroups(state, stackId, spec, where);
    if (groups === undefined) state.warnings.push(`${where}: launch template not found in the assembly; its nodes are not modelled`);
    return groups;
  }
  const config = state.resolver.resolve(props.LaunchConfigurationName, stackId);
  const resource = config instanceof CfnReference ? state.resolver.target(config) : undefined;
  if (!(config instanceof CfnReference) || resource?.Type !== ResourceType.LAUNCH_CONFIGURATION) {
    state.warnings.push(`${where}: launch configuration or template not found in the assembly; its nodes are not modelled`);
    return undefined;
  }
  return state.groups(resource.Properties?.SecurityGroups, config.stackId, where);
}
