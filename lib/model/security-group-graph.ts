import { CfnReference, CfnResolver, LoadedStack, ResolvedValue, Unresolved } from './cfn-resolver';
import { parseIpv4Cidr } from './cidr';

/** Protocol of a rule after normalising `-1`, numbers and names: `all`, `tcp`, `udp`, `icmp`, `icmpv6` or another number. */
export type RuleProtocol = string;

/** One security-group rule, inline or standalone, with where it is written. */
export interface SgRule {
  readonly direction: 'ingress' | 'egress';
  /** Key of the group the rule is on. */
  readonly group: string;
  readonly protocol: RuleProtocol;
  readonly fromPort: number;
  readonly toPort: number;
  /** Key of the peer group, for rules that name one. */
  readonly peerGroup?: string;
  /** Peer IPv4 CIDR, for rules that name one. */
  readonly peerCidr?: string;
  /** Stack and logical ID of the rule resource, or of the group for an inline rule. */
  readonly stackId: string;
  readonly logicalId: string;
  /** `SecurityGroupIngress[2]` for inline rules; undefined for standalone rule resources. */
  readonly inlineAt?: string;
  /** Not written in any template: the EKS-created group's documented defaults, or EC2's default egress. */
  readonly implicit?: string;
}

/** A security group: declared in a template, created by EKS, or only referenced (an ID or parameter). */
export interface SecurityGroupNode {
  readonly key: string;
  /** The EKS-created cluster security group, whose rules EKS owns and may rewrite on upgrade. */
  readonly vendorManaged: boolean;
  /** False for groups the assembly only refers to: their rules are unknown. */
  readonly declared: boolean;
  /** IPv4 CIDR of the group's VPC when the template states it. */
  vpcCidr?: string;
  readonly ingress: SgRule[];
  readonly egress: SgRule[];
}

const ALL_PORTS: [number, number] = [0, 65535];
const PROTOCOL_NUMBERS: { [n: string]: RuleProtocol } = { '-1': 'all', '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };
export const VENDOR_GROUP_ATTRIBUTE = 'ClusterSecurityGroupId';

/**
 * The additional security groups and the name of an EKS cluster resource: the native
 * `AWS::EKS::Cluster` (aws-eks-v2, raw CloudFormation) or the custom resource aws-eks (v1) writes.
 * Both expose the EKS-created group as `Fn::GetAtt <cluster>.ClusterSecurityGroupId`.
 */
export function eksClusterShape(type: unknown, props: { [key: string]: unknown }): { securityGroupIds: unknown; name: unknown } | undefined {
  if (type === 'AWS::EKS::Cluster') {
    return { securityGroupIds: (props.ResourcesVpcConfig as { SecurityGroupIds?: unknown } | undefined)?.SecurityGroupIds, name: props.Name };
  }
  if (type === 'Custom::AWSCDK-EKS-Cluster') {
    const config = props.Config as { name?: unknown; resourcesVpcConfig?: { securityGroupIds?: unknown } } | undefined;
    return { securityGroupIds: config?.resourcesVpcConfig?.securityGroupIds, name: config?.name };
  }
  return undefined;
}

/**
 * Every security group of the assembly with its rules. Inline rules (`SecurityGroupIngress`/`Egress`
 * on the group) and standalone `AWS::EC2::SecurityGroupIngress`/`Egress` resources end up in the same
 * lists, so a flow is found whichever way a tool wrote it.
 */
export class SecurityGroupGraph {
  public readonly groups = new Map<string, SecurityGroupNode>();
  /**
   * `<stack>/<logical ID>` of every group, ingress or egress resource that writes a rule on, or naming,
   * the EKS-created group. Noted before ports and protocol are read, so a rule the flows cannot use
   * still counts: the dependence on the vendor group is there whatever the rule admits.
   */
  public readonly vendorRuleWriters = new Set<string>();
  /** Per group key, the groups its written ingress rules trust, also noted before ports and protocol are read. */
  public readonly ingressPeers = new Map<string, Set<string>>();
  /** Per resource (`<stack>/<logical ID>`), why a list of its groups or rules is not known until deploy time. */
  public readonly unreadable = new Map<string, string>();

  constructor(
    private readonly resolver: CfnResolver,
    stacks: readonly LoadedStack[],
    private readonly warnings: string[],
  ) {
    const vendorVpcs: Array<[SecurityGroupNode, string]> = [];
    for (const stack of stacks) {
      for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
        const props = resource?.Properties ?? {};
        switch (resource?.Type) {
          case 'AWS::EC2::SecurityGroup': this.addGroup(stack.id, logicalId, props); break;
          case 'AWS::EC2::SecurityGroupIngress': this.addStandaloneRule('ingress', stack.id, logicalId, props); break;
          case 'AWS::EC2::SecurityGroupEgress': this.addStandaloneRule('egress', stack.id, logicalId, props); break;
          default: {
            const cluster = eksClusterShape(resource?.Type, props);
            if (cluster) vendorVpcs.push(this.addVendorGroup(stack.id, logicalId, cluster.securityGroupIds));
          }
        }
      }
    }
    // The EKS-created group sits in the cluster's VPC: the VPC of the cluster's first additional group.
    for (const [vendor, additional] of vendorVpcs) vendor.vpcCidr = this.groups.get(additional)?.vpcCidr;
  }

  /** The group for a resolved security-group value, created as an undeclared group when only referenced. */
  public groupFor(value: ResolvedValue, where: string): SecurityGroupNode | undefined {
    const key = groupKey(value);
    if (key === undefined) {
      this.warnings.push(`${where}: security group not resolvable (${describe(value)}); rules and attachments through it are not modelled`);
      return undefined;
    }
    let group = this.groups.get(key);
    if (!group) {
      group = { key, vendorManaged: isVendorGroup(value), declared: false, ingress: [], egress: [] };
      this.groups.set(key, group);
    }
    return group;
  }

  /** Resolves a list property of security-group IDs into groups, warning about entries it cannot follow. */
  public groupsFor(value: unknown, stackId: string, where: string): SecurityGroupNode[] {
    const resolved = this.resolver.resolve(value, stackId);
    if (resolved === undefined) return [];
    if (!Array.isArray(resolved)) {
      this.warnings.push(`${where}: security group list not resolvable (${describe(resolved)})`);
      this.unreadable.set(where, `security group list ${describe(resolved)}`);
      return [];
    }
    return resolved.map((v) => this.groupFor(v, where)).filter((g): g is SecurityGroupNode => g !== undefined);
  }

  private addGroup(stackId: string, logicalId: string, props: { [key: string]: unknown }): void {
    const key = `${stackId}/${logicalId}`;
    const existing = this.groups.get(key);
    const group: SecurityGroupNode = {
      key, vendorManaged: false, declared: true,
      ingress: existing?.ingress ?? [], egress: existing?.egress ?? [],
    };
    this.groups.set(key, group);
    group.vpcCidr = this.vpcCidr(props.VpcId, stackId);
    const where = `${stackId}/${logicalId}`;
    const inline = (name: 'SecurityGroupIngress' | 'SecurityGroupEgress', direction: 'ingress' | 'egress') => {
      const list = this.resolver.resolve(props[name], stackId);
      if (list === undefined) return [];
      if (!Array.isArray(list)) {
        this.warnings.push(`${where}: ${name} not resolvable (${describe(list)}); inline rules not modelled`);
        this.unreadable.set(where, `${name} ${describe(list)}`);
        return [];
      }
      return list.map((entry, i) => this.toRule(direction, key, entry, stackId, logicalId, `${name}[${i}]`));
    };
    const ingress = inline('SecurityGroupIngress', 'ingress');
    const egress = inline('SecurityGroupEgress', 'egress');
    group.ingress.push(...ingress.filter((r): r is SgRule => r !== undefined));
    group.egress.push(...egress.filter((r): r is SgRule => r !== undefined));
    // CloudFormation keeps EC2's allow-all egress rule unless the group lists egress rules inline;
    // standalone egress resources do not remove it.
    if (props.SecurityGroupEgress === undefined) {
      group.egress.push({
        direction: 'egress', group: key, protocol: 'all', fromPort: 0, toPort: 65535, peerCidr: '0.0.0.0/0',
        stackId, logicalId, implicit: 'EC2 default egress (no inline SecurityGroupEgress)',
      });
    }
  }

  private addStandaloneRule(direction: 'ingress' | 'egress', stackId: string, logicalId: string, props: { [key: string]: unknown }): void {
    const where = `${stackId}/${logicalId}`;
    const resolved = this.resolver.resolve(props, stackId);
    const peer = direction === 'ingress' ? 'SourceSecurityGroupId' : 'DestinationSecurityGroupId';
    if (isObject(resolved) && [resolved.GroupId, resolved[peer]].some(isVendorGroup)) this.vendorRuleWriters.add(where);
    if (props.GroupId === undefined) {
      this.warnings.push(`${where}: rule names its group by GroupName (default VPC) or not at all; not modelled`);
      return;
    }
    const group = this.groupFor(this.resolver.resolve(props.GroupId, stackId), where);
    const rule = group && this.toRule(direction, group.key, resolved, stackId, logicalId, undefined);
    if (group && rule) (direction === 'ingress' ? group.ingress : group.egress).push(rule);
  }

  // The EKS-created group is not in any template: it exists once the cluster does, with the defaults
  // the EKS user guide documents (sec-group-reqs): all traffic from itself, all traffic out.
  private addVendorGroup(stackId: string, logicalId: string, securityGroupIds: unknown): [SecurityGroupNode, string] {
    const group = this.groupFor(new CfnReference(stackId, logicalId, VENDOR_GROUP_ATTRIBUTE), `${stackId}/${logicalId}`)!;
    const resolved = this.resolver.resolve(securityGroupIds, stackId);
    const additional = Array.isArray(resolved) ? resolved : [];
    const firstAdditional = additional.map(groupKey).find((k) => k !== undefined) ?? '';
    const source = { stackId, logicalId, protocol: 'all', fromPort: 0, toPort: 65535 } as const;
    group.ingress.push({ ...source, direction: 'ingress', group: group.key, peerGroup: group.key, implicit: 'EKS default: all traffic from itself' });
    group.egress.push({ ...source, direction: 'egress', group: group.key, peerCidr: '0.0.0.0/0', implicit: 'EKS default: all traffic out' });
    return [group, firstAdditional];
  }

  private vpcCidr(vpcId: unknown, stackId: string): string | undefined {
    const ref = this.resolver.resolve(vpcId, stackId);
    if (!(ref instanceof CfnReference)) return undefined;
    const vpc = this.resolver.target(ref);
    if (vpc?.Type !== 'AWS::EC2::VPC') return undefined;
    const cidr = this.resolver.resolve(vpc.Properties?.CidrBlock, ref.stackId);
    return typeof cidr === 'string' ? cidr : undefined;
  }

  private toRule(
    direction: 'ingress' | 'egress', group: string, entry: ResolvedValue, stackId: string, logicalId: string, inlineAt: string | undefined,
  ): SgRule | undefined {
    const where = `${stackId}/${logicalId}${inlineAt ? ` ${inlineAt}` : ''}`;
    if (!isObject(entry)) {
      this.warnings.push(`${where}: rule is not an object (${describe(entry)}); not modelled`);
      return undefined;
    }
    const peerGroupValue = direction === 'ingress' ? entry.SourceSecurityGroupId : entry.DestinationSecurityGroupId;
    const peer = peerGroupValue === undefined ? undefined : this.groupFor(peerGroupValue, where);
    // A standalone rule is noted by addStandaloneRule, which also sees a group it cannot resolve.
    if (inlineAt !== undefined && peer?.vendorManaged) this.vendorRuleWriters.add(`${stackId}/${logicalId}`);
    if (direction === 'ingress' && peer) this.ingressPeers.set(group, (this.ingressPeers.get(group) ?? new Set()).add(peer.key));
    const protocol = normaliseProtocol(entry.IpProtocol);
    if (protocol === undefined) {
      this.warnings.push(`${where}: IpProtocol ${describe(entry.IpProtocol)} not resolvable; rule not modelled`);
      return undefined;
    }
    const ports = portRange(protocol, entry.FromPort, entry.ToPort);
    if (ports === undefined) {
      this.warnings.push(`${where}: ports ${describe(entry.FromPort)}-${describe(entry.ToPort)} not resolvable; rule not modelled`);
      return undefined;
    }
    const base = { direction, group, protocol, fromPort: ports[0], toPort: ports[1], stackId, logicalId, inlineAt };
    if (peerGroupValue !== undefined) return peer ? { ...base, peerGroup: peer.key } : undefined;
    if (typeof entry.CidrIp === 'string') {
      if (!parseIpv4Cidr(entry.CidrIp)) this.warnings.push(`${where}: CidrIp ${entry.CidrIp} is not an IPv4 CIDR; rule matches nothing`);
      return { ...base, peerCidr: entry.CidrIp };
    }
    // IPv6 and prefix-list peers are real rules but say nothing about the IPv4 flows this model proves.
    if (entry.CidrIpv6 !== undefined || entry.SourcePrefixListId !== undefined || entry.DestinationPrefixListId !== undefined) return undefined;
    this.warnings.push(`${where}: rule has no peer this model can read (${describe(entry.CidrIp ?? entry.SourceSecurityGroupName)}); not modelled`);
    return undefined;
  }
}

function isObject(value: ResolvedValue): value is { [key: string]: ResolvedValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof CfnReference) && !(value instanceof Unresolved);
}

/** The EKS-created group: `Fn::GetAtt <cluster>.ClusterSecurityGroupId`, directly or through an export or nested-stack parameter. */
function isVendorGroup(value: ResolvedValue): boolean {
  return groupKey(value)?.endsWith(`#${VENDOR_GROUP_ATTRIBUTE}`) ?? false;
}

/** Identity of a security group value: `stack/logicalId` for declared or EKS-created groups, the literal ID otherwise. */
function groupKey(value: ResolvedValue): string | undefined {
  if (value instanceof CfnReference) return value.key;
  if (typeof value === 'string' && value.length > 0 && !value.includes('{{')) return value;
  return undefined;
}

function normaliseProtocol(value: ResolvedValue): RuleProtocol | undefined {
  if (typeof value === 'number') return PROTOCOL_NUMBERS[String(value)] ?? String(value);
  if (typeof value !== 'string') return undefined;
  return PROTOCOL_NUMBERS[value] ?? value.toLowerCase();
}

function portRange(protocol: RuleProtocol, from: ResolvedValue, to: ResolvedValue): [number, number] | undefined {
  if (protocol === 'all') return ALL_PORTS;
  const f = Number(from);
  const t = Number(to);
  if (from === undefined || to === undefined || !Number.isInteger(f) || !Number.isInteger(t)) return undefined;
  // -1 means every ICMP type (and, as EC2 treats it, every port).
  if (f === -1 && t === -1) return ALL_PORTS;
  return [f, t];
}

function describe(value: ResolvedValue): string {
  if (value instanceof Unresolved) return value.reason;
  if (value instanceof CfnReference) return `{{${value.key}}}`;
  return JSON.stringify(value) ?? 'undefined';
}
