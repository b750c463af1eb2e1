/**
 * CloudTrail records of each call the guardrails watch, as EventBridge delivers them ("AWS API Call via
 * CloudTrail"), in the shapes AWS documents: the record fields of the CloudTrail user guide ("CloudTrail
 * record contents"); EC2's query-API parameters as CloudTrail writes them, lowerCamelCase with lists as
 * `{ items: [...] }` (the AuthorizeSecurityGroupIngress and CreateSecurityGroup records of the AWS
 * knowledge-center articles "cloudtrail-event-history-changed" and "eventbridge-human-readable-notifications");
 * ModifySecurityGroupRules wrapping its request as `ModifySecurityGroupRulesRequest` with the API's own
 * names; EKS's REST parameters (the cluster in the path, `name`, as in the EKS user guide's CreateCluster
 * record); AWS Health's event (AWS Health user guide, "Monitoring AWS Health events with EventBridge").
 */

export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';

/** IDs the tests give the cluster's groups, the EKS-created one and an unrelated group. */
export const IDS = {
  nodes: 'sg-0aaaaaaaaaaaaaaa1',
  controlPlane: 'sg-0aaaaaaaaaaaaaaa2',
  eksCreated: 'sg-0aaaaaaaaaaaaaaa3',
  extra: 'sg-0aaaaaaaaaaaaaaa4',
  database: 'sg-0bbbbbbbbbbbbbbb1',
  other: 'sg-0ccccccccccccccc1',
};

type Json = { [key: string]: unknown };

interface RecordOptions {
  readonly source?: string;
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
  readonly errorCode?: string;
  readonly userIdentity?: Json;
}

const PERSON = {
  type: 'AssumedRole', principalId: 'AROAEXAMPLEID:jane', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/platform-admin/jane`, accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEKEY', sessionContext: {
    sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID', arn: `arn:aws:iam::${ACCOUNT}:role/platform-admin`, accountId: ACCOUNT, userName: 'platform-admin' },
    attributes: { creationDate: '2026-03-02T09:55:10Z', mfaAuthenticated: 'false' },
  },
};

/** EKS's service-linked role: how EKS's own changes to the group it created appear. */
export const EKS_SERVICE = {
  type: 'AssumedRole', principalId: 'AROAEKSSERVICE:AmazonEKS', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSServiceRoleForAmazonEKS/AmazonEKS`,
  accountId: ACCOUNT, invokedBy: 'eks.amazonaws.com',
};

/** One EventBridge event carrying a CloudTrail record of `eventName`. */
export function cloudTrailEvent(eventName: string, requestParameters: Json | null, options: RecordOptions = {}): Json {
  const source = options.source ?? 'aws.ec2';
  const eventSource = source === 'aws.eks' ? 'eks.amazonaws.com' : 'ec2.amazonaws.com';
  return {
    'version': '0', 'id': '6f87d04b-9f74-4f04-a780-7acf4b0a9b38', 'detail-type': 'AWS API Call via CloudTrail', source,
    'account': ACCOUNT, 'time': '2026-03-02T10:01:12Z', 'region': REGION, 'resources': [],
    'detail': {
      eventVersion: '1.10', userIdentity: options.userIdentity ?? PERSON, eventTime: '2026-03-02T10:01:12Z', eventSource, eventName,
      awsRegion: REGION, sourceIPAddress: options.sourceIPAddress ?? '198.51.100.23', userAgent: options.userAgent ?? 'aws-cli/2.15.30 md/command#ec2',
      ...(options.errorCode ? { errorCode: options.errorCode, errorMessage: 'The specified rule does not exist in this security group.' } : {}),
      requestParameters, responseElements: options.errorCode ? null : { requestId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111', _return: true },
      requestID: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111', eventID: 'e5f6a7b8-1234-5678-90ab-EXAMPLE22222', readOnly: false,
      eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: ACCOUNT, eventCategory: 'Management',
    },
  };
}

/** `ipPermissions` of the Authorize and Revoke calls with rule properties: a TCP port from a group, or from a CIDR. */
export function ipPermissions(port: number, peer: { groupId?: string; cidrIp?: string }): Json {
  return {
    items: [{
      ipProtocol: 'tcp', fromPort: port, toPort: port,
      groups: peer.groupId ? { items: [{ groupId: peer.groupId, description: 'cdk-safe-eks: flow' }] } : {},
      ipRanges: peer.cidrIp ? { items: [{ cidrIp: peer.cidrIp }] } : {}, ipv6Ranges: {}, prefixListIds: {},
    }],
  };
}

/** The request of a revoke by rule IDs, with or without the group. */
export function ruleIds(groupId: string | undefined, ...ids: string[]): Json {
  return { ...(groupId ? { groupId } : {}), securityGroupRuleIds: { items: ids.map((securityGroupRuleId) => ({ securityGroupRuleId })) } };
}

/** The request of ModifySecurityGroupRules, as CloudTrail wraps it. */
export function modifyRules(groupId: string, rule: Json): Json {
  return { ModifySecurityGroupRulesRequest: { GroupId: groupId, SecurityGroupRule: { SecurityGroupRuleId: 'sgr-0123456789abcdef0', SecurityGroupRule: rule, tag: 1 } } };
}

/** The request parameters of each watched EKS call, the cluster as EKS's path names it. */
export function eksRequest(eventName: string, cluster: string): Json {
  const byCall: { [name: string]: Json } = {
    UpdateClusterVersion: { name: cluster, version: '1.35' },
    UpdateClusterConfig: { name: cluster, logging: { clusterLogging: [{ types: ['scheduler'], enabled: false }] } },
    AssociateEncryptionConfig: { name: cluster, encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` } }] },
    UpdateNodegroupVersion: { name: cluster, nodegroupName: 'General', releaseVersion: '1.34.2-20260301' },
    UpdateNodegroupConfig: { name: cluster, nodegroupName: 'General', scalingConfig: { minSize: 1, maxSize: 4, desiredSize: 1 } },
    CreateNodegroup: { name: cluster, nodegroupName: 'handmade', subnets: ['subnet-0123456789abcdef0'], nodeRole: `arn:aws:iam::${ACCOUNT}:role/nodes` },
    DeleteNodegroup: { name: cluster, nodegroupName: 'General' },
    CreateFargateProfile: { name: cluster, fargateProfileName: 'batch', selectors: [{ namespace: 'batch' }] },
    DeleteFargateProfile: { name: cluster, fargateProfileName: 'batch' },
    CreateAddon: { name: cluster, addonName: 'vpc-cni', addonVersion: 'v1.19.2-eksbuild.1' },
    UpdateAddon: { name: cluster, addonName: 'vpc-cni', addonVersion: 'v1.19.3-eksbuild.1' },
    DeleteAddon: { name: cluster, addonName: 'kube-proxy' },
    DeleteCluster: { name: cluster },
  };
  const request = byCall[eventName];
  if (request === undefined) throw new Error(`no sample request for ${eventName}`);
  return request;
}

/** An AWS Health event about EKS: the end of standard support of a cluster's version. */
export function eksHealthEvent(clusterArn: string, service = 'EKS'): Json {
  return {
    'version': '0', 'id': '7bf73129-1428-4cd3-a780-95db273d1602', 'detail-type': 'AWS Health Event', 'source': 'aws.health',
    'account': ACCOUNT, 'time': '2026-03-02T00:00:00Z', 'region': REGION, 'resources': [clusterArn],
    'detail': {
      eventArn: `arn:aws:health:${REGION}::event/${service}/AWS_${service}_PLANNED_LIFECYCLE_EVENT/AWS_${service}_PLANNED_LIFECYCLE_EVENT_1a2b3c`,
      service, eventTypeCode: `AWS_${service}_PLANNED_LIFECYCLE_EVENT`, eventTypeCategory: 'scheduledChange', eventScopeCode: 'ACCOUNT_SPECIFIC',
      communicationId: '1a2b3c4d5e6f', startTime: 'Sun, 01 Nov 2026 00:00:00 GMT', endTime: 'Sun, 01 Nov 2026 00:00:00 GMT', lastUpdatedTime: 'Mon, 02 Mar 2026 00:00:00 GMT',
      statusCode: 'upcoming', eventRegion: REGION,
      eventDescription: [{ language: 'en_US', latestDescription: 'Standard support for Kubernetes version 1.34 ends on November 1, 2026.' }],
      affectedEntities: [{ entityValue: clusterArn }],
    },
  };
}
