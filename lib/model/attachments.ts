import { CfnReference, CfnResolver, CfnResourceJson, LoadedStack, ResolvedValue, storePort } from './cfn-resolver';
import { eksClusterShape, SecurityGroupGraph, SecurityGroupNode, VENDOR_GROUP_ATTRIBUTE } from './security-group-graph';
import { ClusterIntent, readIntent } from './intent';
import { FlowRole } from './required-flows';

/** Network interfaces that share a list of security groups: the control plane, or the nodes of one group. */
export interface Endpoint {
  readonly label: string;
  readonly groups: readonly string[];
}

/** An EKS cluster with the groups on its control plane and on each of its node pools. */
export interface ClusterAttachment {
  /** `<stack>/<logical ID>` of the `AWS::EKS::Cluster` (or aws-eks v1 `Custom::AWSCDK-EKS-Cluster`). */
  readonly key: string;
  /** Additional groups (`ResourcesVpcConfig.SecurityGroupIds`) plus the EKS-created group. */
  readonly controlPlane: Endpoint;
  readonly vendorGroup: string;
  /** One endpoint per managed node group or tagged self-managed Auto Scaling group. */
  readonly nodePools: Endpoint[];
  /** What the cluster recorded it requires (`SafeCluster` does); undefined for any other cluster. */
  readonly intent?: ClusterIntent;
}

/** A database, cache or load balancer and the groups on its interfaces. */
export interface PeerAttachment extends Endpoint {
  readonly role: FlowRole;
  /** Port clients connect to (data stores only), when the template or engine states it. */
  readonly port?: number;
}

/** What a managed node group's launch template puts on its nodes. */
export interface NodegroupTemplate {
  /** The node group names a launch template. */
  readonly hasLaunchTemplate: boolean;
  /** Group keys on the nodes; `undefined` when the named template is not in the assembly. */
  readonly groups?: readonly string[];
}

/** Where every cluster, node pool, data store and load balancer of the assembly sits. */
export interface Attachments {
  readonly clusters: ClusterAttachment[];
  readonly dataStores: PeerAttachment[];
  readonly loadBalancers: PeerAttachment[];
  /** Every managed node group by `<stack>/<logical ID>`, whether or not its cluster is in the assembly. */
  readonly nodegroups: ReadonlyMap<string, NodegroupTemplate>;
  /** The groups of every data store by `<stack>/<logical ID>`, Aurora instances and stores without groups included. */
  readonly dataStoreGroups: ReadonlyMap<string, readonly string[]>;
}

/** Launch templates of the assembly by their literal `LaunchTemplateName`, for node groups that name theirs. */
type TemplatesByName = Map<string, { stackId: string; resource: CfnResourceJson }>;

/** Data-store resource types, their role and the property that lists their VPC security groups. Shared with the nag pack. */
export const DATA_STORES: { readonly [type: string]: { readonly role: FlowRole; readonly property: string } } = {
  'AWS::RDS::DBCluster': { role: FlowRole.DATABASE, property: 'VpcSecurityGroupIds' },
  'AWS::RDS::DBInstance': { role: FlowRole.DATABASE, property: 'VPCSecurityGroups' },
  'AWS::ElastiCache::ReplicationGroup': { role: FlowRole.CACHE, property: 'SecurityGroupIds' },
  'AWS::ElastiCache::CacheCluster': { role: FlowRole.CACHE, property: 'VpcSecurityGroupIds' },
  'AWS::ElastiCache::ServerlessCache': { role: FlowRole.CACHE, property: 'SecurityGroupIds' },
};
const LOAD_BALANCERS = new Set(['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancing::LoadBalancer']);
/**
 * Every resource type the flow model reads (the VPC for its CIDR); anything else that carries groups
 * gets a warning. The synth-time check renders only these.
 */
export const MODELLED_TYPES: ReadonlySet<string> = new Set([
  ...Object.keys(DATA_STORES), ...LOAD_BALANCERS, 'AWS::EKS::Cluster', 'Custom::AWSCDK-EKS-Cluster', 'AWS::EKS::Nodegroup', 'AWS::EKS::FargateProfile',
  'AWS::AutoScaling::AutoScalingGroup', 'AWS::AutoScaling::LaunchConfiguration', 'AWS::EC2::LaunchTemplate', 'AWS::EC2::VPC',
  'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress', 'AWS::CloudFormation::Stack',
]);
const CLUSTER_TAG = 'kubernetes.io/cluster/';

/** Reads attachments from the templates; everything it cannot follow becomes a warning. */
export function readAttachments(
  resolver: CfnResolver, graph: SecurityGroupGraph, stacks: readonly LoadedStack[], warnings: string[],
): Attachments {
  const clusters: Array<ClusterAttachment & { names: Set<string> }> = [];
  const dataStores: PeerAttachment[] = [];
  const loadBalancers: PeerAttachment[] = [];
  const nodegroups: Array<[LoadedStack, string, CfnResourceJson]> = [];
  const asgs: Array<[LoadedStack, string, CfnResourceJson]> = [];
  const templatesByName: TemplatesByName = new Map();
  const nodegroupTemplates = new Map<string, NodegroupTemplate>();
  const dataStoreGroups = new Map<string, string[]>();
  const keysOf = (groups: SecurityGroupNode[]) => groups.map((g) => g.key);

  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const where = `${stack.id}/${logicalId}`;
      const type = resource?.Type;
      const props = resource?.Properties ?? {};
      if (typeof type !== 'string') {
        warnings.push(`${where}: resource has no Type; skipped`);
        continue;
      }
      const eksCluster = eksClusterShape(type, props);
      if (eksCluster) {
        const vendorGroup = new CfnReference(stack.id, logicalId, VENDOR_GROUP_ATTRIBUTE).key;
        const additional = keysOf(graph.groupsFor(eksCluster.securityGroupIds, stack.id, where));
        const names = new Set([`{{${stack.id}/${logicalId}}}`]);
        const name = resolver.resolve(eksCluster.name, stack.id);
        if (typeof name === 'string') names.add(name);
        clusters.push({
          key: where, vendorGroup, names,
          controlPlane: { label: `control plane of ${where}`, groups: [...additional, vendorGroup] },
          nodePools: [],
          intent: readIntent(resource.Metadata, where, warnings,
            (peer) => graph.groupFor(resolver.resolve(peer, stack.id), `${where} intent`)?.key),
        });
      } else if (type === 'AWS::EKS::Nodegroup') {
        nodegroups.push([stack, logicalId, resource]);
      } else if (type === 'AWS::AutoScaling::AutoScalingGroup') {
        asgs.push([stack, logicalId, resource]);
      } else if (type === 'AWS::EC2::LaunchTemplate') {
        const name = resolver.resolve(props.LaunchTemplateName, stack.id);
        if (typeof name === 'string') templatesByName.set(name, { stackId: stack.id, resource });
      } else if (type === 'AWS::EKS::FargateProfile') {
        warnings.push(`${where}: Fargate pods always use the EKS-created cluster security group; their flows are not evaluated`);
      } else if (DATA_STORES[type] !== undefined) {
        const { role, property } = DATA_STORES[type];
        const groups = keysOf(graph.groupsFor(props[property], stack.id, where));
        dataStoreGroups.set(where, groups);
        // An Aurora instance takes its groups from its DB cluster, which is modelled itself.
        if (type === 'AWS::RDS::DBInstance' && props.DBClusterIdentifier !== undefined) continue;
        const port = storePort(resource);
        if (groups.length > 0) dataStores.push({ label: `${where} (${type})`, role, groups, port });
      } else if (LOAD_BALANCERS.has(type)) {
        const groups = keysOf(graph.groupsFor(props.SecurityGroups, stack.id, where));
        if (groups.length > 0) {
          loadBalancers.push({ label: `${where} (${type})`, role: FlowRole.LOAD_BALANCER, groups });
        }
      } else if (!MODELLED_TYPES.has(type) && /"(Vpc)?SecurityGroup(Id)?s"/.test(JSON.stringify(props))) {
        warnings.push(`${where}: ${type} carries security groups but is not modelled; flows to or from it are not evaluated`);
      }
    }
  }

  const clusterNamed = (value: ResolvedValue | string) => clusters.find((c) => typeof value === 'string' && c.names.has(value));
  for (const [stack, logicalId, resource] of nodegroups) {
    const where = `${stack.id}/${logicalId}`;
    const props = resource.Properties ?? {};
    const template = props.LaunchTemplate as { [key: string]: unknown } | undefined;
    const groups = template === undefined ? [] : launchTemplateGroups(resolver, graph, templatesByName, stack.id, template, where);
    nodegroupTemplates.set(where, { hasLaunchTemplate: template !== undefined, groups });
    const clusterName = resolver.resolveString(props.ClusterName, stack.id);
    const cluster = clusterNamed(typeof clusterName === 'string' ? clusterName : '');
    if (!cluster) {
      warnings.push(`${where}: node group's cluster is not in the assembly; not modelled`);
    } else if (groups === undefined) {
      warnings.push(`${where}: launch template not found in the assembly; its nodes are not modelled`);
    } else {
      // EKS attaches its own cluster group only when the launch template names none (EKS user guide, launch-templates).
      cluster.nodePools.push({ label: `node group ${where}`, groups: groups.length > 0 ? groups : [cluster.vendorGroup] });
    }
  }
  for (const [stack, logicalId, resource] of asgs) {
    const where = `${stack.id}/${logicalId}`;
    const props = resource.Properties ?? {};
    const tags = resolver.resolve(props.Tags, stack.id);
    const cluster = Array.isArray(tags) ? tags.map((tag) => {
      const key = (tag as { [key: string]: ResolvedValue } | null)?.Key;
      return typeof key === 'string' && key.startsWith(CLUSTER_TAG) ? clusterNamed(key.slice(CLUSTER_TAG.length)) : undefined;
    }).find((c) => c !== undefined) : undefined;
    if (!cluster) continue;
    const groups = asgGroups(resolver, graph, templatesByName, stack.id, props, where, warnings);
    if (groups !== undefined) cluster.nodePools.push({ label: `self-managed nodes ${where}`, groups });
  }
  return {
    clusters: clusters.map(({ names: _names, ...c }) => c), dataStores, loadBalancers, nodegroups: nodegroupTemplates, dataStoreGroups,
  };
}

/** Groups a launch template gives its instances; `undefined` when the template is not in the assembly. */
function launchTemplateGroups(
  resolver: CfnResolver, graph: SecurityGroupGraph, templatesByName: TemplatesByName, stackId: string, spec: { [key: string]: unknown }, where: string,
): string[] | undefined {
  const ref = resolver.resolve(spec.Id ?? spec.LaunchTemplateId, stackId);
  const name = resolver.resolve(spec.Name ?? spec.LaunchTemplateName, stackId);
  let template: { stackId: string; resource: CfnResourceJson } | undefined;
  if (ref instanceof CfnReference && resolver.target(ref)?.Type === 'AWS::EC2::LaunchTemplate') {
    template = { stackId: ref.stackId, resource: resolver.target(ref)! };
  } else if (name instanceof CfnReference && resolver.target(name)?.Type === 'AWS::EC2::LaunchTemplate') {
    template = { stackId: name.stackId, resource: resolver.target(name)! };
  } else if (typeof name === 'string') {
    template = templatesByName.get(name);
  }
  if (!template) return undefined;
  const data = (template.resource.Properties?.LaunchTemplateData ?? {}) as { [key: string]: unknown };
  const direct = graph.groupsFor(data.SecurityGroupIds, template.stackId, where).map((g) => g.key);
  const interfaces = resolver.resolve(data.NetworkInterfaces, template.stackId);
  const viaInterfaces = (Array.isArray(interfaces) ? interfaces : []).flatMap((ni) =>
    graph.groupsFor((ni as { [key: string]: unknown } | null)?.Groups, template.stackId, where).map((g) => g.key));
  return [...new Set([...direct, ...viaInterfaces])];
}

function asgGroups(
  resolver: CfnResolver, graph: SecurityGroupGraph, templatesByName: TemplatesByName, stackId: string, props: { [key: string]: unknown },
  where: string, warnings: string[],
): string[] | undefined {
  const mixed = (props.MixedInstancesPolicy as { LaunchTemplate?: { LaunchTemplateSpecification?: unknown } } | undefined)
    ?.LaunchTemplate?.LaunchTemplateSpecification;
  const spec = (props.LaunchTemplate ?? mixed) as { [key: string]: unknown } | undefined;
  if (spec !== undefined) {
    const groups = launchTemplateGroups(resolver, graph, templatesByName, stackId, spec, where);
    if (groups === undefined) warnings.push(`${where}: launch template not found in the assembly; its nodes are not modelled`);
    return groups;
  }
  const config = resolver.resolve(props.LaunchConfigurationName, stackId);
  const resource = config instanceof CfnReference ? resolver.target(config) : undefined;
  if (!(config instanceof CfnReference) || resource?.Type !== 'AWS::AutoScaling::LaunchConfiguration') {
    warnings.push(`${where}: launch configuration or template not found in the assembly; its nodes are not modelled`);
    return undefined;
  }
  return graph.groupsFor(resource.Properties?.SecurityGroups, config.stackId, where).map((g) => g.key);
}
