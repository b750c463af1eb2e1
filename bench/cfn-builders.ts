/**
 * CloudFormation shapes as SafeCluster, aws-eks-v2 and hand-written templates produce them, built as
 * plain JSON so model tests and the benchmark need no CDK synthesis.
 */
import { RequiredFlows } from '../lib/model/required-flows';

export type Resources = { [logicalId: string]: { Type: string; Properties?: { [key: string]: unknown }; Metadata?: { [key: string]: unknown } } };

// Literal IDs in the formats CloudFormation validates, so synthesized fixtures raise no findings.
const ROLE = 'arn:aws:iam::111111111111:role/eks';
const SUBNET = 'subnet-0123456789abcdef0';

export const groupId = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'GroupId'] });
export const eksCreatedGroupOf = (clusterId: string) => ({ 'Fn::GetAtt': [clusterId, 'ClusterSecurityGroupId'] });

export function vpc(cidr = '10.0.0.0/16'): Resources[string] {
  return { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: cidr } };
}

/** A group; without `egress`, EC2's default allow-all egress applies, as in CloudFormation. */
export function securityGroup(vpcId: unknown, rules: { ingress?: object[]; egress?: object[] } = {}): Resources[string] {
  return {
    Type: 'AWS::EC2::SecurityGroup',
    Properties: { GroupDescription: 'test', VpcId: vpcId, SecurityGroupIngress: rules.ingress, SecurityGroupEgress: rules.egress },
  };
}

export interface RuleShape {
  readonly protocol: string | number;
  readonly from?: unknown;
  readonly to?: unknown;
}

/** A standalone ingress rule on `group` from a group value (`SourceSecurityGroupId`) or a CIDR string. */
export function ingressRule(group: unknown, peer: unknown, rule: RuleShape): Resources[string] {
  const peerProps = typeof peer === 'string' ? { CidrIp: peer } : { SourceSecurityGroupId: peer };
  return { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: group, IpProtocol: rule.protocol, FromPort: rule.from, ToPort: rule.to, ...peerProps } };
}

export function egressRule(group: unknown, peer: unknown, rule: RuleShape): Resources[string] {
  const peerProps = typeof peer === 'string' ? { CidrIp: peer } : { DestinationSecurityGroupId: peer };
  return { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: group, IpProtocol: rule.protocol, FromPort: rule.from, ToPort: rule.to, ...peerProps } };
}

export function eksCluster(additionalGroups: unknown[], name?: string): Resources[string] {
  return {
    Type: 'AWS::EKS::Cluster',
    Properties: { Name: name, RoleArn: ROLE, ResourcesVpcConfig: { SecurityGroupIds: additionalGroups, SubnetIds: [SUBNET] } },
  };
}

/** A managed node group; with `launchTemplate`, its nodes carry the template's groups instead of the EKS-created one. */
export function nodegroup(clusterId: string, launchTemplate?: string): Resources[string] {
  return {
    Type: 'AWS::EKS::Nodegroup',
    Properties: {
      ClusterName: { Ref: clusterId }, NodeRole: ROLE, Subnets: [SUBNET],
      LaunchTemplate: launchTemplate === undefined ? undefined : { Id: { Ref: launchTemplate }, Version: '1' },
    },
  };
}

export function launchTemplate(groups: unknown[]): Resources[string] {
  return { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { SecurityGroupIds: groups } } };
}

/**
 * What SafeCluster writes for one cluster, prefixed: owned control-plane and node groups, every
 * required flow as a standalone ingress/egress pair, nodes on the owned group through a launch template.
 */
export function ownedCluster(prefix: string, vpcId: unknown): Resources {
  const cp = `${prefix}ControlPlaneSg`;
  const nodes = `${prefix}NodeSg`;
  const resources: Resources = {
    [cp]: securityGroup(vpcId),
    [nodes]: securityGroup(vpcId, { egress: [
      { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '0.0.0.0/0' },
      { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, CidrIp: '0.0.0.0/0' },
    ] }),
    [`${prefix}Cluster`]: eksCluster([groupId(cp)]),
    [`${prefix}LaunchTemplate`]: launchTemplate([groupId(nodes)]),
    [`${prefix}Nodegroup`]: nodegroup(`${prefix}Cluster`, `${prefix}LaunchTemplate`),
  };
  const ids = { 'control-plane': cp, 'nodes': nodes } as { [role: string]: string };
  for (const flow of RequiredFlows.all()) {
    const rule = { protocol: flow.protocol, from: flow.fromPort, to: flow.toPort };
    const [source, destination] = [ids[flow.source], ids[flow.destination]];
    resources[`${prefix}${flow.id}In`] = ingressRule(groupId(destination), groupId(source), rule);
    resources[`${prefix}${flow.id}Out`] = egressRule(groupId(source), groupId(destination), rule);
  }
  return resources;
}

/** What plain aws-eks-v2 writes: a control-plane group with all egress, nodes on the EKS-created group. */
export function clusterOnEksCreatedGroup(prefix: string, vpcId: unknown): Resources {
  return {
    [`${prefix}ControlPlaneSg`]: securityGroup(vpcId, { egress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }] }),
    [`${prefix}Cluster`]: eksCluster([groupId(`${prefix}ControlPlaneSg`)]),
    [`${prefix}Nodegroup`]: nodegroup(`${prefix}Cluster`),
  };
}

/** A Postgres instance behind its own group that admits `peers` on 5432. */
export function database(prefix: string, vpcId: unknown, peers: unknown[]): Resources {
  const resources: Resources = {
    [`${prefix}DbSg`]: securityGroup(vpcId),
    [`${prefix}Db`]: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', VPCSecurityGroups: [groupId(`${prefix}DbSg`)] } },
  };
  peers.forEach((peer, i) => {
    resources[`${prefix}DbIngress${i}`] = ingressRule(groupId(`${prefix}DbSg`), peer, {
      protocol: 'tcp', from: { 'Fn::GetAtt': [`${prefix}Db`, 'Endpoint.Port'] }, to: { 'Fn::GetAtt': [`${prefix}Db`, 'Endpoint.Port'] },
    });
  });
  return resources;
}

export function template(resources: Resources, extra: { [section: string]: unknown } = {}): { [key: string]: unknown } {
  return { Resources: resources, ...extra };
}

/** Every flow the table requires, for assertions over a whole report. */
export const TABLE_FLOW_IDS = RequiredFlows.all().map((f) => f.id);
