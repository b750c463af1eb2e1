import type { StackTemplate } from 'cdk-safe-eks/dist/lib/model/stack-template';
import { SecurityGroupRule, Snapshot } from './snapshot';

/** One owned rule whose live state is not what its stack deployed, or a live rule nothing owned keeps. */
export interface RuleDrift {
  /** `missing`: deployed, gone from the account; `changed`: its ports, protocol or peer differ; `added`: on an owned group, outside CloudFormation; `eks-created`: on the EKS-created group, neither EKS's default nor written by a template. */
  readonly kind: 'missing' | 'changed' | 'added' | 'eks-created';
  /** `<stack>/<logical ID>` of the group the rule is on (or the EKS-created group's `sg-` ID). */
  readonly group: string;
  /** `<stack>/<logical ID>` of the rule, its `sgr-` ID, or both. */
  readonly rule: string;
  /** The rule as `ingress tcp 443 from sg-...`. */
  readonly detail: string;
}

export interface LiveTemplates {
  /** The deployed templates with every owned group's rules replaced by its live rules, mapped back to logical IDs. */
  readonly templates: StackTemplate[];
  readonly drift: RuleDrift[];
  readonly warnings: string[];
}

type Json = { [key: string]: unknown };
interface Location { readonly stack: string; readonly logicalId: string; readonly type: string }
interface TemplateRule { readonly stack: string; readonly logicalId: string; readonly group: string; readonly key: string; matched: boolean }

const INGRESS = 'AWS::EC2::SecurityGroupIngress';
const EGRESS = 'AWS::EC2::SecurityGroupEgress';
const GROUP = 'AWS::EC2::SecurityGroup';
const CLUSTER = 'AWS::EKS::Cluster';
const NESTED_STACK = 'AWS::CloudFormation::Stack';
const PROTOCOLS: { [key: string]: string } = { '-1': 'all', 6: 'tcp', 17: 'udp', 1: 'icmp' };

/**
 * Rebuilds the deployed templates of a snapshot on the account's live security-group rules, so that
 * the flow model proves what is there, not what was synthesized, and lists each owned rule that
 * drifted. A standalone rule keeps its logical ID through its `sgr-` physical ID; inline rules are
 * matched by what they allow; a group in another stack is named through the export its stack writes.
 */
export function liveTemplates(snapshot: Snapshot): LiveTemplates {
  const index = new PhysicalIndex(snapshot);
  const warnings: string[] = [];
  const drift: RuleDrift[] = [];
  const clones = new Map<string, Json>();
  for (const [stack, { TemplateBody }] of snapshot.templates) clones.set(stack, JSON.parse(JSON.stringify(TemplateBody)));
  const resourcesOf = (stack: string) => (clones.get(stack)!.Resources ?? {}) as { [id: string]: { Type?: string; Properties?: Json } };

  // What the deployed templates say each owned group carries.
  const standalone = new Map<string, TemplateRule>();
  const inline = new Map<string, TemplateRule[]>();
  const onEksCreated = new Map<string, string[]>();
  for (const stack of clones.keys()) {
    for (const [logicalId, resource] of Object.entries(resourcesOf(stack))) {
      const props = resource.Properties ?? {};
      if (resource.Type === INGRESS || resource.Type === EGRESS) {
        const group = index.resolveGroup(props.GroupId, stack);
        const direction = resource.Type === INGRESS ? 'ingress' : 'egress';
        const key = templateRuleKey(direction, props, stack, index);
        if (group !== undefined && index.eksCreated.has(group)) onEksCreated.set(group, [...onEksCreated.get(group) ?? [], key]);
        if (group === undefined || !index.owned.has(group)) continue;
        const physical = index.physicalOf(stack, logicalId);
        if (physical !== undefined) standalone.set(physical, { stack, logicalId, group, key, matched: false });
        else drift.push({ kind: 'missing', group: index.label(group), rule: `${stack}/${logicalId}`, detail: `${key} (not in the stack's resources)` });
        delete resourcesOf(stack)[logicalId];
      } else if (resource.Type === GROUP) {
        const group = index.physicalOf(stack, logicalId);
        if (group === undefined) continue;
        const rules = [
          ...asList(props.SecurityGroupIngress).map((r) => templateRuleKey('ingress', r, stack, index)),
          ...(props.SecurityGroupEgress === undefined ? ['egress all 0.0.0.0/0']
            : asList(props.SecurityGroupEgress).map((r) => templateRuleKey('egress', r, stack, index))),
        ];
        inline.set(group, rules.map((key) => ({ stack, logicalId, group, key, matched: false })));
        props.SecurityGroupIngress = [];
        props.SecurityGroupEgress = [];
      }
    }
  }

  for (const rule of snapshot.securityGroupRules.SecurityGroupRules) {
    const key = liveRuleKey(rule);
    const eksCluster = index.eksCreated.get(rule.GroupId);
    if (eksCluster !== undefined) {
      const expected = [`ingress all ${rule.GroupId}`, 'egress all 0.0.0.0/0', ...onEksCreated.get(rule.GroupId) ?? []];
      if (!expected.includes(key)) {
        drift.push({ kind: 'eks-created', group: `${rule.GroupId} (EKS-created group of ${eksCluster.stack}/${eksCluster.logicalId})`, rule: rule.SecurityGroupRuleId, detail: key });
      }
      continue;
    }
    const owner = index.byPhysical.get(rule.GroupId);
    if (owner === undefined || owner.type !== GROUP || !clones.has(owner.stack)) continue;
    const deployed = standalone.get(rule.SecurityGroupRuleId);
    if (deployed !== undefined) {
      deployed.matched = true;
      resourcesOf(deployed.stack)[deployed.logicalId] = {
        Type: rule.IsEgress ? EGRESS : INGRESS,
        Properties: { GroupId: index.expressionFor(rule.GroupId, deployed.stack), ...ruleProperties(rule, deployed.stack, index) },
      };
      if (!keyMatches(deployed.key, key)) {
        drift.push({ kind: 'changed', group: index.label(rule.GroupId), rule: `${deployed.stack}/${deployed.logicalId} (${rule.SecurityGroupRuleId})`, detail: `deployed ${deployed.key}, live ${key}` });
      }
      continue;
    }
    const props = resourcesOf(owner.stack)[owner.logicalId].Properties!;
    (props[rule.IsEgress ? 'SecurityGroupEgress' : 'SecurityGroupIngress'] as Json[]).push(ruleProperties(rule, owner.stack, index));
    const expected = (inline.get(rule.GroupId) ?? []).find((r) => !r.matched && keyMatches(r.key, key));
    if (expected !== undefined) expected.matched = true;
    else drift.push({ kind: 'added', group: index.label(rule.GroupId), rule: rule.SecurityGroupRuleId, detail: `${key} (not in any template)` });
  }
  for (const [physical, rule] of standalone) {
    if (!rule.matched) drift.push({ kind: 'missing', group: index.label(rule.group), rule: `${rule.stack}/${rule.logicalId} (${physical})`, detail: rule.key });
  }
  for (const [group, rules] of inline) {
    for (const rule of rules.filter((r) => !r.matched)) drift.push({ kind: 'missing', group: index.label(group), rule: `${rule.stack}/${rule.logicalId} (inline)`, detail: rule.key });
  }
  for (const stack of snapshot.stackResources.keys()) if (!clones.has(stack)) warnings.push(`stack ${stack}: no deployed template in the snapshot (templates/${stack}.json); its rules are not modelled`);
  const templates = [...clones].map(([stackName, template]): StackTemplate => {
    const parent = index.nesting.get(stackName);
    return parent === undefined ? { stackName, template } : { stackName, template, parentStackName: parent.stack, parentLogicalId: parent.logicalId };
  });
  return { templates, drift, warnings };
}

/** Physical IDs of the snapshot's stacks, mapped back to logical IDs, and template values to physical IDs. */
export class PhysicalIndex {
  public readonly byPhysical = new Map<string, Location>();
  public readonly owned = new Set<string>();
  /** EKS-created cluster security group ID -> its cluster resource. */
  public readonly eksCreated = new Map<string, Location>();
  /** A nested stack's name -> its `AWS::CloudFormation::Stack` resource in the parent. */
  public readonly nesting = new Map<string, Location>();
  private readonly byLogical = new Map<string, string>();

  constructor(private readonly snapshot: Snapshot) {
    for (const [stack, { StackResources }] of snapshot.stackResources) {
      for (const r of StackResources) {
        if (r.PhysicalResourceId === undefined) continue;
        const location = { stack, logicalId: r.LogicalResourceId, type: r.ResourceType };
        if (r.ResourceType === NESTED_STACK) this.nesting.set(nestedStackName(r.PhysicalResourceId), location);
        this.byPhysical.set(r.PhysicalResourceId, location);
        this.byLogical.set(`${stack}/${r.LogicalResourceId}`, r.PhysicalResourceId);
        if (r.ResourceType === GROUP) this.owned.add(r.PhysicalResourceId);
        const clusterGroup = r.ResourceType === CLUSTER ? snapshot.clusters.get(r.PhysicalResourceId)?.cluster.resourcesVpcConfig?.clusterSecurityGroupId : undefined;
        if (clusterGroup !== undefined) this.eksCreated.set(clusterGroup, location);
      }
    }
  }

  public physicalOf(stack: string, logicalId: string): string | undefined {
    return this.byLogical.get(`${stack}/${logicalId}`);
  }

  /** `<stack>/<logical ID>` of an owned group, else its ID. */
  public label(physical: string): string {
    const at = this.byPhysical.get(physical);
    return at === undefined ? physical : `${at.stack}/${at.logicalId}`;
  }

  /** The group ID a template value names in `stack`, through Ref, GetAtt and ImportValue; undefined when it cannot be followed. */
  public resolveGroup(value: unknown, stack: string): string | undefined {
    if (typeof value === 'string') return value;
    if (!isObject(value)) return undefined;
    if (typeof value.Ref === 'string') return this.physicalOf(stack, value.Ref) ?? this.resolveParameter(value.Ref, stack);
    const getAtt = value['Fn::GetAtt'];
    const [logicalId, ...path] = Array.isArray(getAtt) ? getAtt : typeof getAtt === 'string' ? getAtt.split('.') : [];
    const attribute = path.join('.');
    if (typeof logicalId === 'string') {
      const physical = this.physicalOf(stack, logicalId);
      // A parent reads a nested stack's value through its outputs (`Outputs.<name>`), as CDK writes it.
      if (physical !== undefined && attribute.startsWith('Outputs.') && this.byPhysical.get(physical)?.type === NESTED_STACK) {
        const nested = nestedStackName(physical);
        return this.resolveGroup(this.outputsOf(nested)[attribute.slice('Outputs.'.length)]?.Value, nested);
      }
      if (attribute === 'ClusterSecurityGroupId') return physical && this.snapshot.clusters.get(physical)?.cluster.resourcesVpcConfig?.clusterSecurityGroupId;
      return physical;
    }
    const imported = value['Fn::ImportValue'];
    if (typeof imported === 'string') {
      const exported = this.findExport((name) => name === imported);
      return exported && this.resolveGroup(exported.value, exported.stack);
    }
    return undefined;
  }

  /**
   * How `stack`'s template names the group `physical`: GetAtt in its own stack, the parameter its parent
   * passes it, the output of its nested stack, ImportValue of the export another stack writes, else the ID.
   */
  public expressionFor(physical: string, stack: string): unknown {
    const at = this.byPhysical.get(physical) ?? this.eksCreated.get(physical);
    const attribute = this.eksCreated.has(physical) ? 'ClusterSecurityGroupId' : 'GroupId';
    if (at === undefined) return physical;
    if (at.stack === stack) return { 'Fn::GetAtt': [at.logicalId, attribute] };
    const parameter = Object.keys(this.templateOf(stack).Parameters ?? {}).find((name) => this.resolveParameter(name, stack) === physical);
    if (parameter !== undefined) return { Ref: parameter };
    const child = this.nesting.get(at.stack);
    if (child?.stack === stack) {
      const output = Object.entries(this.outputsOf(at.stack)).find(([, o]) => this.resolveGroup(o.Value, at.stack) === physical)?.[0];
      if (output !== undefined) return { 'Fn::GetAtt': [child.logicalId, `Outputs.${output}`] };
    }
    const exported = this.findExport((_name, value, exportStack) => exportStack === at.stack && this.resolveGroup(value, exportStack) === physical);
    return exported === undefined ? physical : { 'Fn::ImportValue': exported.name };
  }

  /** The value a nested stack's parameter is given by its parent's `AWS::CloudFormation::Stack` resource, resolved in the parent. */
  private resolveParameter(name: string, stack: string): string | undefined {
    const parent = this.nesting.get(stack);
    if (parent === undefined) return undefined;
    const resource = (this.templateOf(parent.stack).Resources as { [id: string]: { Properties?: { Parameters?: Json } } } | undefined)?.[parent.logicalId];
    const given = resource?.Properties?.Parameters?.[name];
    return given === undefined ? undefined : this.resolveGroup(given, parent.stack);
  }

  private templateOf(stack: string): { Parameters?: Json; Resources?: unknown; Outputs?: unknown } {
    return this.snapshot.templates.get(stack)?.TemplateBody ?? {};
  }

  private outputsOf(stack: string): { [name: string]: { Value?: unknown; Export?: { Name?: unknown } } } {
    return (this.templateOf(stack).Outputs ?? {}) as { [name: string]: { Value?: unknown; Export?: { Name?: unknown } } };
  }

  private findExport(match: (name: string, value: unknown, stack: string) => boolean): { name: string; value: unknown; stack: string } | undefined {
    for (const [stack, { TemplateBody }] of this.snapshot.templates) {
      for (const output of Object.values((TemplateBody.Outputs ?? {}) as { [id: string]: { Value?: unknown; Export?: { Name?: unknown } } })) {
        const name = output.Export?.Name;
        if (typeof name === 'string' && match(name, output.Value, stack)) return { name, value: output.Value, stack };
      }
    }
    return undefined;
  }
}

/** The template properties of a live rule, its peer named as `stack`'s template would name it. */
function ruleProperties(rule: SecurityGroupRule, stack: string, index: PhysicalIndex): Json {
  const side = rule.IsEgress ? 'Destination' : 'Source';
  const props: Json = { IpProtocol: rule.IpProtocol };
  if (rule.IpProtocol !== '-1') Object.assign(props, { FromPort: rule.FromPort, ToPort: rule.ToPort });
  if (rule.CidrIpv4 !== undefined) props.CidrIp = rule.CidrIpv4;
  if (rule.CidrIpv6 !== undefined) props.CidrIpv6 = rule.CidrIpv6;
  if (rule.PrefixListId !== undefined) props[`${side}PrefixListId`] = rule.PrefixListId;
  if (rule.ReferencedGroupInfo?.GroupId !== undefined) props[`${side}SecurityGroupId`] = index.expressionFor(rule.ReferencedGroupInfo.GroupId, stack);
  if (rule.Description !== undefined) props.Description = rule.Description;
  return props;
}

/** `ingress tcp 443-443 sg-0123`: what a rule allows, comparable between a template and the account. */
export function liveRuleKey(rule: SecurityGroupRule): string {
  const peer = rule.ReferencedGroupInfo?.GroupId ?? rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? '?';
  return ruleKey(rule.IsEgress ? 'egress' : 'ingress', rule.IpProtocol, rule.FromPort, rule.ToPort, peer);
}

function templateRuleKey(direction: 'ingress' | 'egress', rule: unknown, stack: string, index: PhysicalIndex): string {
  const props = isObject(rule) ? rule : {};
  const side = direction === 'egress' ? 'Destination' : 'Source';
  const group = props[`${side}SecurityGroupId`];
  const peer = group !== undefined ? index.resolveGroup(group, stack) ?? JSON.stringify(group)
    : props.CidrIp ?? props.CidrIpv6 ?? props[`${side}PrefixListId`] ?? '?';
  // A port the template computes (`Fn::GetAtt <db>.Endpoint.Port`) matches whatever port is live.
  const port = (value: unknown) => (typeof value === 'number' || typeof value === 'string' ? value : '*');
  return ruleKey(direction, props.IpProtocol, port(props.FromPort), port(props.ToPort), String(peer));
}

/** Whether a deployed rule's key admits a live one: equal, a computed port (`*`) matching any. */
export function keyMatches(deployed: string, live: string): boolean {
  if (!deployed.includes('*')) return deployed === live;
  const pattern = deployed.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('-?\\d+');
  return new RegExp(`^${pattern}$`).test(live);
}

function ruleKey(direction: string, protocol: unknown, from: unknown, to: unknown, peer: string): string {
  const name = PROTOCOLS[String(protocol).toLowerCase()] ?? String(protocol).toLowerCase();
  return name === 'all' ? `${direction} all ${peer}` : `${direction} ${name} ${from}-${to} ${peer}`;
}

/** The name of a stack from its ID (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`), as a nested stack's physical ID gives it. */
export function nestedStackName(stackId: string): string {
  return /:stack\/([^/]+)\//.exec(stackId)?.[1] ?? stackId;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
