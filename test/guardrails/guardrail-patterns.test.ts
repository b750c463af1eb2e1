import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Template } from 'aws-cdk-lib/assertions';
import { guardedCluster } from './guardrail-app';
import {
  EKS_SERVICE, IDS, cloudTrailEvent, eksHealthEvent, eksRequest, ipPermissions, modifyRules, ruleIds,
} from './cloudtrail-records';
import { EKS_CALLS, EXCLUDED_EC2_CALLS, EXCLUDED_EKS_CALLS, GROUP_ID_CALLS, MODIFY_RULES_CALL, PEER_CALLS, UNNAMED_GROUP_CALLS } from '../../lib/model/guardrail-patterns';
import { matchesPattern } from '../support/event-pattern';

type Json = { [key: string]: unknown };

/**
 * The deployed patterns (read from the template, references replaced by the IDs the account would hold)
 * against CloudTrail records of every watched call: each must match what it watches and nothing else.
 */
function deployedRules(): { patterns: { [rule: string]: Json }; transformers: { [rule: string]: Json } } {
  const { stack, cluster } = guardedCluster();
  const extra = new ec2.SecurityGroup(stack, 'Extra', { vpc: cluster.vpc, description: 'extra', allowAllOutbound: false });
  cluster.node.tryRemoveChild('Guardrails');
  cluster.addGuardrails({ securityGroups: [extra] });
  const template = Template.fromStack(stack);
  const logical = (resource: string) => Object.keys(template.findResources('AWS::EC2::SecurityGroup', {}))
    .find((id) => id.startsWith(resource))!;
  const clusterId = Object.keys(template.findResources('AWS::EKS::Cluster'))[0];
  const substitutions = new Map<string, string>([
    [`${logical('ClusterNodeSecurityGroup')}.GroupId`, IDS.nodes],
    [`${logical('ClusterControlPlaneSecurityGroup')}.GroupId`, IDS.controlPlane],
    [`${clusterId}.ClusterSecurityGroupId`, IDS.eksCreated],
    [`${logical('Extra')}.GroupId`, IDS.extra],
  ]);
  const substitute = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(substitute);
    if (typeof value !== 'object' || value === null) return value;
    const getAtt = (value as Json)['Fn::GetAtt'] as string[] | undefined;
    if (getAtt) {
      const id = substitutions.get(getAtt.join('.'));
      if (id === undefined) throw new Error(`no ID for ${getAtt.join('.')}`);
      return id;
    }
    return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, substitute(v)]));
  };
  const patterns: { [rule: string]: Json } = {};
  const transformers: { [rule: string]: Json } = {};
  for (const [id, rule] of Object.entries(template.findResources('AWS::Events::Rule'))) {
    const name = id.replace(/^ClusterGuardrails/, '').replace(/[0-9A-F]{8}$/, '');
    patterns[name] = substitute(rule.Properties.EventPattern) as Json;
    transformers[name] = rule.Properties.Targets[0].InputTransformer;
  }
  return { patterns, transformers };
}

const { patterns, transformers } = deployedRules();

/** The rules a record matches. */
function matching(event: Json): string[] {
  return Object.entries(patterns).filter(([, p]) => matchesPattern(p, event)).map(([name]) => name).sort();
}

/** `$.a.b[0].c` read from the event, as an input transformer does. */
function readPath(event: unknown, path: string): unknown {
  return path.slice(2).split('.').reduce<unknown>((at, part) => {
    const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(part)!;
    const value = (at as Json | undefined)?.[m[1]];
    return m[2] === undefined ? value : (value as unknown[] | undefined)?.[Number(m[2])];
  }, event);
}

/** Every field the rule's message reads exists, and is a string, in the record it matched. */
function expectReadableMessage(rule: string, event: Json): void {
  const paths = Object.values((transformers[rule].InputPathsMap ?? {}) as Json) as string[];
  const missing = paths.filter((p) => readPath(event, p) === undefined || typeof readPath(event, p) === 'object' && p !== '$.resources');
  expect({ rule, missing }).toEqual({ rule, missing: [] });
}

const WATCHED = [IDS.nodes, IDS.controlPlane, IDS.eksCreated, IDS.extra];

describe('security group calls on a watched group (requestParameters.groupId)', () => {
  test.each(GROUP_ID_CALLS.map((c) => c.eventName))('%s on each watched group matches SecurityGroupChanges; on another group it does not', (eventName) => {
    const request = (groupId: string) => eventName === 'DeleteSecurityGroup' ? { groupId } : { groupId, ipPermissions: ipPermissions(443, { cidrIp: '10.0.0.0/16' }) };
    for (const groupId of WATCHED) {
      const event = cloudTrailEvent(eventName, request(groupId));
      expect(matching(event)).toEqual(['SecurityGroupChanges']);
      expectReadableMessage('SecurityGroupChanges', event);
    }
    expect(matching(cloudTrailEvent(eventName, request(IDS.other)))).toEqual([]);
  });

  test('EKS revoking a rule of the group it created (the incident) matches; its record is EKS\'s service-linked role', () => {
    const event = cloudTrailEvent('RevokeSecurityGroupIngress', { groupId: IDS.eksCreated, ipPermissions: ipPermissions(443, { groupId: IDS.eksCreated }) },
      { userIdentity: EKS_SERVICE, sourceIPAddress: 'eks.amazonaws.com', userAgent: 'eks.amazonaws.com' });
    expect(matching(event)).toEqual(['SecurityGroupChanges']);
    expectReadableMessage('SecurityGroupChanges', event);
  });

  test.each(GROUP_ID_CALLS.map((c) => c.eventName))('%s by rule IDs with the group named matches; a revoke by rule IDs alone goes to UnnamedSecurityGroupChanges', (eventName) => {
    if (eventName.startsWith('Revoke')) {
      expect(matching(cloudTrailEvent(eventName, ruleIds(IDS.nodes, 'sgr-0123456789abcdef0')))).toEqual(['SecurityGroupChanges']);
      expect(matching(cloudTrailEvent(eventName, ruleIds(IDS.other, 'sgr-0123456789abcdef0')))).toEqual([]);
      const unnamed = cloudTrailEvent(eventName, ruleIds(undefined, 'sgr-0123456789abcdef0'));
      expect(matching(unnamed)).toEqual(['UnnamedSecurityGroupChanges']);
      expectReadableMessage('UnnamedSecurityGroupChanges', unnamed);
    }
    if (eventName === 'DeleteSecurityGroup') {
      expect(matching(cloudTrailEvent(eventName, { groupName: 'default-vpc-group' }))).toEqual(['UnnamedSecurityGroupChanges']);
    }
    if (eventName.startsWith('Authorize')) {
      // An authorization always names its group; one that names none is not a removal.
      expect(matching(cloudTrailEvent(eventName, { groupName: 'default-vpc-group', ipPermissions: ipPermissions(22, { cidrIp: '10.0.0.0/8' }) }))).toEqual([]);
    }
  });
});

describe('rules of another group that name a watched group as their peer (ipPermissions...groups...groupId)', () => {
  test.each(PEER_CALLS.map((c) => c.eventName))('%s on a database group naming the node group matches; naming another group it does not', (eventName) => {
    const event = cloudTrailEvent(eventName, { groupId: IDS.database, ipPermissions: ipPermissions(5432, { groupId: IDS.nodes }) });
    expect(matching(event)).toEqual(['SecurityGroupChanges']);
    expectReadableMessage('SecurityGroupChanges', event);
    expect(matching(cloudTrailEvent(eventName, { groupId: IDS.database, ipPermissions: ipPermissions(5432, { groupId: IDS.other }) }))).toEqual([]);
  });
});

describe('ModifySecurityGroupRules (requestParameters.ModifySecurityGroupRulesRequest)', () => {
  test('a modification of a rule of each watched group matches SecurityGroupRuleModifications; of another group it does not', () => {
    for (const groupId of WATCHED) {
      const event = cloudTrailEvent(MODIFY_RULES_CALL.eventName, modifyRules(groupId, { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.0.0.0/16' }));
      expect(matching(event)).toEqual(['SecurityGroupRuleModifications']);
      expectReadableMessage('SecurityGroupRuleModifications', event);
    }
    expect(matching(cloudTrailEvent(MODIFY_RULES_CALL.eventName, modifyRules(IDS.other, { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.0.0.0/16' })))).toEqual([]);
  });

  test('a rule of another group rewritten to name a watched group as its peer matches', () => {
    expect(matching(cloudTrailEvent('ModifySecurityGroupRules', modifyRules(IDS.database, { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, ReferencedGroupId: IDS.nodes }))))
      .toEqual(['SecurityGroupRuleModifications']);
    expect(matching(cloudTrailEvent('ModifySecurityGroupRules', modifyRules(IDS.database, { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, ReferencedGroupId: IDS.other }))))
      .toEqual([]);
  });
});

describe('EKS calls on the cluster (requestParameters.name, or clusterName)', () => {
  test.each(EKS_CALLS.map((c) => c.eventName))('%s on payments-blue matches ClusterChanges; on another cluster it does not', (eventName) => {
    const event = cloudTrailEvent(eventName, eksRequest(eventName, 'payments-blue'), { source: 'aws.eks' });
    expect(matching(event)).toEqual(['ClusterChanges']);
    expectReadableMessage('ClusterChanges', event);
    expect(matching(cloudTrailEvent(eventName, eksRequest(eventName, 'payments-green'), { source: 'aws.eks' }))).toEqual([]);
  });

  test('a record that names the cluster clusterName, as the SDKs do, matches too', () => {
    expect(matching(cloudTrailEvent('UpdateNodegroupConfig', { clusterName: 'payments-blue', nodegroupName: 'General' }, { source: 'aws.eks' }))).toEqual(['ClusterChanges']);
    expect(matching(cloudTrailEvent('UpdateNodegroupConfig', { clusterName: 'payments-blue-old', nodegroupName: 'General' }, { source: 'aws.eks' }))).toEqual([]);
  });

  test('AWS upgrading the cluster itself at the end of standard support (EKS\'s service-linked role) matches', () => {
    expect(matching(cloudTrailEvent('UpdateClusterVersion', eksRequest('UpdateClusterVersion', 'payments-blue'),
      { source: 'aws.eks', userIdentity: EKS_SERVICE, sourceIPAddress: 'eks.amazonaws.com', userAgent: 'eks.amazonaws.com' }))).toEqual(['ClusterChanges']);
  });
});

describe('what no rule reports', () => {
  test('calls CloudFormation makes (a deploy of the stack) and failed calls change nothing unexpected', () => {
    const cfn = { sourceIPAddress: 'cloudformation.amazonaws.com', userAgent: 'cloudformation.amazonaws.com' };
    expect(matching(cloudTrailEvent('RevokeSecurityGroupIngress', { groupId: IDS.nodes, ipPermissions: ipPermissions(443, { groupId: IDS.controlPlane }) }, cfn))).toEqual([]);
    expect(matching(cloudTrailEvent('ModifySecurityGroupRules', modifyRules(IDS.nodes, { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIpv4: '10.0.0.0/16' }), cfn))).toEqual([]);
    expect(matching(cloudTrailEvent('UpdateClusterConfig', eksRequest('UpdateClusterConfig', 'payments-blue'), { ...cfn, source: 'aws.eks' }))).toEqual([]);
    expect(matching(cloudTrailEvent('RevokeSecurityGroupIngress', ruleIds(undefined, 'sgr-0123456789abcdef0'), cfn))).toEqual([]);
    expect(matching(cloudTrailEvent('RevokeSecurityGroupIngress', { groupId: IDS.nodes, ipPermissions: ipPermissions(443, { cidrIp: '10.0.0.0/16' }) },
      { errorCode: 'InvalidPermission.NotFound' }))).toEqual([]);
    expect(matching(cloudTrailEvent('DeleteNodegroup', eksRequest('DeleteNodegroup', 'payments-blue'), { source: 'aws.eks', errorCode: 'AccessDeniedException' }))).toEqual([]);
  });

  test.each([...EXCLUDED_EC2_CALLS, ...EXCLUDED_EKS_CALLS].map((c) => c.eventName))('%s (left out, with its reason) on a watched group or the cluster matches nothing', (eventName) => {
    const eks = EXCLUDED_EKS_CALLS.some((c) => c.eventName === eventName);
    const request = eks ? { name: 'payments-blue', clusterName: 'payments-blue' } : { groupId: IDS.nodes, networkInterfaceId: 'eni-0123456789abcdef0', groupSet: { items: [{ groupId: IDS.nodes }] } };
    expect(matching(cloudTrailEvent(eventName, request, { source: eks ? 'aws.eks' : 'aws.ec2' }))).toEqual([]);
  });

  test('the lists of watched and excluded calls do not overlap', () => {
    const watched = new Set([...GROUP_ID_CALLS, MODIFY_RULES_CALL, ...UNNAMED_GROUP_CALLS, ...EKS_CALLS].map((c) => c.eventName));
    expect([...EXCLUDED_EC2_CALLS, ...EXCLUDED_EKS_CALLS].filter((c) => watched.has(c.eventName))).toEqual([]);
  });
});

describe('AWS Health events', () => {
  test('an EKS planned lifecycle event matches EksHealthEvents; another service\'s does not', () => {
    const event = eksHealthEvent('arn:aws:eks:eu-west-1:111111111111:cluster/payments-blue');
    expect(matching(event)).toEqual(['EksHealthEvents']);
    expectReadableMessage('EksHealthEvents', event);
    expect(matching(eksHealthEvent('arn:aws:rds:eu-west-1:111111111111:db:payments', 'RDS'))).toEqual([]);
  });
});

test('every rule of the guardrail is exercised above', () => {
  expect(Object.keys(patterns).sort()).toEqual(['ClusterChanges', 'EksHealthEvents', 'SecurityGroupChanges', 'SecurityGroupRuleModifications', 'UnnamedSecurityGroupChanges']);
});
