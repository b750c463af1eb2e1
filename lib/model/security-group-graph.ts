import { CfnReference, CfnResolver, LoadedStack, ResolvedValue, Unresolved } from './cfn-resolver';
import { parseIpv4Cidr } from './cidr';
import { readEksCluster } from './eks-resources';
import { GroupRef } from './group-ref';
import { isJsonObject } from './json';
import { GroupIndex, SecurityGroupNode, SgRule } from './network';
import { ResourceType } from './resource-types';
import { normaliseProtocol, RuleProtocol } from './traffic';

const ALL_PORTS: [number, number] = [0, 65535];

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
   * still counts: the dependence on the EKS-created group is there whatever the rule admits.
   */
  public readonly eksCreatedRuleWriters = new Set<string>();
  /** Per group key, the groups its written ingress rules trust, also noted before ports and protocol are read. */
  public readonly ingressPeers = new Map<string, Set<string>>();
  /** Per resource (`<stack>/<logical ID>`), why a list of its groups or rules is not known until deploy time. */
  public readonly unreadable = new Map<string, string>();

  constructor(
    private readonly resolver: CfnResolver,
    stacks: readonly LoadedStack[],
    private readonly warnings: string[],
  ) {
    const eksCreatedVpcs: Array<[SecurityGroupNode, string]> = [];
    for (const stack of stacks) {
      for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
        const props = resource?.Properties ?? {};
        switch (resource?.Type) {
          case ResourceType.SECURITY_GROUP: this.addGroup(stack.id, logicalId, props); break;
          case ResourceType.SECURITY_GROUP_INGRESS: this.addStandaloneRule('ingress', stack.id, logicalId, props); break;
          case ResourceType.SECURITY_GROUP_EGRESS: this.addStandaloneRule('egress', stack.id, logicalId, props); break;
          default: {
            const cluster = readEksCluster(resource?.Type, props);
            if (cluster) eksCreatedVpcs.push(this.addEksCreatedGroup(stack.id, logicalId, cluster.securityGroupIds));
          }
        }
      }
    }
    // The EKS-created group sits in the cluster's VPC: the VPC of the cluster's first additional group.
    for (const [eksCreated, additional] of eksCreatedVpcs) eksCreated.vpcCidr = this.groups.get(additional)?.vpcCidr;
  }

  /** The group for a resolved security-group value, created as an undeclared group when only referenced. */
  public groupFor(value: ResolvedValue, where: string): SecurityGroupNode | undefined {
    const ref = GroupRef.fromValue(value);
    if (ref === undefined) {
      this.warnings.push(`${where}: security group not resolvable (${describe(value)}); rules and attachments through it are not modelled`);
      return undefined;
    }
    return this.node(ref, false);
  }

  /** The groups as the evaluation reads them. */
  public index(): GroupIndex {
    return new GroupIndex(this.groups);
  }

  private node(ref: GroupRef, declared: boolean): SecurityGroupNode {
    const existing = this.groups.get(ref.key);
    if (existing && (existing.declared || !declared)) return existing;
    const group: SecurityGroupNode = { ref, key: ref.key, declared, ingress: existing?.ingress ?? [], egress: existing?.egress ?? [] };
    this.groups.set(ref.key, group);
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
    const group = this.node(GroupRef.ofResource(stackId, logicalId), true);
    const key = group.key;
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
    if (isJsonObject(resolved) && [resolved.GroupId, resolved[peer]].some((v) => GroupRef.fromValue(v as ResolvedValue)?.isEksCreated)) {
      this.eksCreatedRuleWriters.add(where);
    }
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
  private addEksCreatedGroup(stackId: string, logicalId: string, securityGroupIds: unknown): [SecurityGroupNode, string] {
    const group = this.node(GroupRef.eksCreatedBy(stackId, logicalId), false);
    const resolved = this.resolver.resolve(securityGroupIds, stackId);
    const additional = Array.isArray(resolved) ? resolved : [];
    const firstAdditional = additional.map((v) => GroupRef.fromValue(v)?.key).find((k) => k !== undefined) ?? '';
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
    if (!isJsonObject(entry)) {
      this.warnings.push(`${where}: rule is not an object (${describe(entry)}); not modelled`);
      return undefined;
    }
    return this.ruleFrom(direction, group, entry as { [key: string]: ResolvedValue }, stackId, logicalId, inlineAt, where);
  }

  private ruleFrom(
    direction: 'ingress' | 'egress', group: string, entry: { [key: string]: ResolvedValue }, stackId: string, logicalId: string,
    inlineAt: string | undefined, where: string,
  ): SgRule | undefined {
    const peerGroupValue = direction === 'ingress' ? entry.SourceSecurityGroupId : entry.DestinationSecurityGroupId;
    const peer = peerGroupValue === undefined ? undefined : this.groupFor(peerGroupValue, where);
    // A standalone rule is noted by addStandaloneRule, which also sees a group it cannot resolve.
    if (inlineAt !== undefined && peer?.ref.isEksCreated) this.eksCreatedRuleWriters.add(`${stackId}/${logicalId}`);
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
