import { createHash } from 'crypto';
import { loadTemplates } from 'cdk-safe-eks/dist/lib/model/template-directory';
import { PhysicalIndex } from '../../src/live-rules';
import { emptySnapshot, SecurityGroupRule, Snapshot } from '../../src/snapshot';

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 17);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON, read loosely as a deployed account would
type Json = { [key: string]: any };

/**
 * The snapshot a deployed account would answer for the assembly in `directory`: every resource with a
 * physical ID, each rule of each owned group as EC2 lists it (standalone rules under their `sgr-` ID),
 * each cluster ACTIVE with its EKS-created group holding EKS's two default rules; nested stacks under the
 * names CloudFormation would give them.
 */
export function deployedAccount(directory: string): Snapshot {
  const snapshot = emptySnapshot();
  // A nested stack deploys under a name CloudFormation makes from its parent's and its resource's; its parent's resource holds its ID.
  const loaded = loadTemplates(directory).templates;
  const nestedNames = new Map(loaded.filter((t) => t.parentStackName !== undefined)
    .map((t): [string, string] => [t.stackName, `${t.parentStackName}-${t.parentLogicalId}-${hash(t.stackName).slice(0, 12).toUpperCase()}`]));
  const nestedIds = new Map(loaded.filter((t) => t.parentStackName !== undefined)
    .map((t): [string, string] => [`${t.parentStackName}/${t.parentLogicalId}`, `arn:aws:cloudformation:eu-west-1:111111111111:stack/${nestedNames.get(t.stackName)}/${hash(t.stackName)}`]));
  const templates = loaded.map((t) => ({ ...t, stackName: nestedNames.get(t.stackName) ?? t.stackName }));
  const physicalId = (stack: string, logicalId: string, resource: Json): string => nestedIds.get(`${stack}/${logicalId}`) ?? resourceId(stack, logicalId, resource);
  for (const { stackName, template } of templates) {
    snapshot.templates.set(stackName, { TemplateBody: template });
    const resources = Object.entries(template.Resources as { [id: string]: Json });
    snapshot.stackResources.set(stackName, {
      StackResources: resources.map(([logicalId, r]) => ({
        StackName: stackName, LogicalResourceId: logicalId, ResourceType: r.Type, ResourceStatus: 'CREATE_COMPLETE',
        PhysicalResourceId: physicalId(stackName, logicalId, r),
      })),
    });
    for (const [logicalId, r] of resources.filter(([, r]) => r.Type === 'AWS::EKS::Cluster')) {
      const name = physicalId(stackName, logicalId, r);
      snapshot.clusters.set(name, { cluster: { name, status: 'ACTIVE', resourcesVpcConfig: { clusterSecurityGroupId: `sg-${hash(`eks/${name}`)}` }, health: { issues: [] } } });
      snapshot.nodegroups.set(name, new Map());
      snapshot.addons.set(name, new Map());
      snapshot.insights.set(name, { insights: [] });
    }
  }
  const index = new PhysicalIndex(snapshot);
  const rules = snapshot.securityGroupRules.SecurityGroupRules;
  const live = (id: string, groupId: string, isEgress: boolean, props: Json, stack: string): SecurityGroupRule => {
    const peer = props[isEgress ? 'DestinationSecurityGroupId' : 'SourceSecurityGroupId'];
    const all = String(props.IpProtocol) === '-1';
    // The one computed port of the example is the database's (Fn::GetAtt <cluster>.Endpoint.Port).
    const port = (value: unknown) => (typeof value === 'object' ? 5432 : Number(value));
    return {
      SecurityGroupRuleId: id, GroupId: groupId, IsEgress: isEgress, IpProtocol: String(props.IpProtocol),
      FromPort: all ? -1 : port(props.FromPort), ToPort: all ? -1 : port(props.ToPort),
      ...(props.CidrIp !== undefined ? { CidrIpv4: props.CidrIp } : {}),
      ...(peer !== undefined ? { ReferencedGroupInfo: { GroupId: index.resolveGroup(peer, stack) } } : {}),
      ...(props.Description !== undefined ? { Description: props.Description } : {}),
    };
  };
  for (const { stackName, template } of templates) {
    for (const [logicalId, r] of Object.entries(template.Resources as { [id: string]: Json })) {
      const props = r.Properties ?? {};
      if (r.Type === 'AWS::EC2::SecurityGroupIngress' || r.Type === 'AWS::EC2::SecurityGroupEgress') {
        const group = index.resolveGroup(props.GroupId, stackName);
        if (group !== undefined) rules.push(live(index.physicalOf(stackName, logicalId)!, group, r.Type.endsWith('Egress'), props, stackName));
      } else if (r.Type === 'AWS::EC2::SecurityGroup') {
        const group = index.physicalOf(stackName, logicalId)!;
        const egress = props.SecurityGroupEgress ?? [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }];
        (props.SecurityGroupIngress ?? []).forEach((rule: Json, i: number) => rules.push(live(`sgr-${hash(`${group}/in/${i}`)}`, group, false, rule, stackName)));
        egress.forEach((rule: Json, i: number) => rules.push(live(`sgr-${hash(`${group}/out/${i}`)}`, group, true, rule, stackName)));
      }
    }
  }
  for (const [group] of index.eksCreated) {
    rules.push({ SecurityGroupRuleId: `sgr-${hash(`${group}/self`)}`, GroupId: group, IsEgress: false, IpProtocol: '-1', FromPort: -1, ToPort: -1, ReferencedGroupInfo: { GroupId: group } });
    rules.push({ SecurityGroupRuleId: `sgr-${hash(`${group}/out`)}`, GroupId: group, IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' });
  }
  return snapshot;
}

function resourceId(stack: string, logicalId: string, resource: Json): string {
  const h = hash(`${stack}/${logicalId}`);
  switch (resource.Type) {
    case 'AWS::EC2::SecurityGroup': return `sg-${h}`;
    case 'AWS::EC2::SecurityGroupIngress':
    case 'AWS::EC2::SecurityGroupEgress': return `sgr-${h}`;
    case 'AWS::EKS::Cluster': return typeof resource.Properties?.Name === 'string' ? resource.Properties.Name : `${stack}-${logicalId}`.toLowerCase();
    case 'AWS::ElasticLoadBalancingV2::TargetGroup': return `arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/${logicalId.slice(0, 20)}/${h}`;
    default: return `${stack}-${logicalId}-${h}`;
  }
}
