import * as fs from 'fs';
import * as path from 'path';
import { LiveError } from './errors';

/**
 * What the live commands read from an account, in exactly the JSON shapes the AWS CLI prints for
 * the same calls, so that a snapshot written by `live snapshot`, one captured by hand with the AWS
 * CLI, and the answers of the SDK all read the same. Only the fields the commands use are typed.
 */
export interface StackResource {
  readonly StackName?: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceType: string;
  readonly ResourceStatus?: string;
}

/** One rule of `ec2 describe-security-group-rules`. */
export interface SecurityGroupRule {
  readonly SecurityGroupRuleId: string;
  readonly GroupId: string;
  readonly IsEgress: boolean;
  readonly IpProtocol: string;
  readonly FromPort?: number;
  readonly ToPort?: number;
  readonly CidrIpv4?: string;
  readonly CidrIpv6?: string;
  readonly PrefixListId?: string;
  readonly ReferencedGroupInfo?: { readonly GroupId?: string };
  readonly Description?: string;
}

export interface Snapshot {
  /** `cloudformation describe-stack-resources`, by CloudFormation stack name. */
  readonly stackResources: Map<string, { StackResources: StackResource[] }>;
  /** `cloudformation get-template --template-stage Original`, by stack name. */
  readonly templates: Map<string, { TemplateBody: { [key: string]: unknown } }>;
  /** `ec2 describe-security-group-rules` for every owned group and each cluster's EKS-created group. */
  readonly securityGroupRules: { SecurityGroupRules: SecurityGroupRule[] };
  /** `eks describe-cluster`, by cluster name. */
  readonly clusters: Map<string, { cluster: EksCluster }>;
  /** `eks describe-nodegroup`, by cluster name, then node group name. */
  readonly nodegroups: Map<string, Map<string, { nodegroup: EksHealthy }>>;
  /** `eks describe-addon`, by cluster name, then add-on name. */
  readonly addons: Map<string, Map<string, { addon: EksHealthy }>>;
  /** `eks list-insights`, by cluster name. */
  readonly insights: Map<string, { insights: Insight[] }>;
  /** `elbv2 describe-target-health`, by `<stack>.<logical ID>` of the target group. */
  readonly targetHealth: Map<string, { TargetHealthDescriptions: TargetHealthDescription[] }>;
  /** `cloudwatch describe-alarms --alarm-names ...` of the guardrail alarms (read by `pair check`). */
  readonly alarms: { MetricAlarms: MetricAlarm[] };
}

export interface EksCluster {
  readonly name?: string;
  readonly status?: string;
  readonly version?: string;
  readonly resourcesVpcConfig?: { readonly clusterSecurityGroupId?: string; readonly securityGroupIds?: string[] };
  readonly health?: { readonly issues?: Array<{ readonly code?: string; readonly message?: string }> };
}

/** A node group or an add-on: a name, a status and health issues. */
export interface EksHealthy {
  readonly nodegroupName?: string;
  readonly addonName?: string;
  readonly status?: string;
  readonly health?: { readonly issues?: Array<{ readonly code?: string; readonly message?: string }> };
}

export interface Insight {
  readonly id?: string;
  readonly name?: string;
  readonly category?: string;
  readonly insightStatus?: { readonly status?: string; readonly reason?: string };
}

export interface TargetHealthDescription {
  readonly Target?: { readonly Id?: string; readonly Port?: number };
  readonly TargetHealth?: { readonly State?: string; readonly Reason?: string };
}

export interface MetricAlarm {
  readonly AlarmName: string;
  readonly AlarmArn?: string;
  readonly StateValue: string;
  readonly Threshold?: number;
  readonly Dimensions?: Array<{ readonly Name: string; readonly Value: string }>;
}

export function emptySnapshot(): Snapshot {
  return {
    stackResources: new Map(), templates: new Map(), securityGroupRules: { SecurityGroupRules: [] }, clusters: new Map(),
    nodegroups: new Map(), addons: new Map(), insights: new Map(), targetHealth: new Map(), alarms: { MetricAlarms: [] },
  };
}

const CAPTURE = 'capture it with `cdk-safe-eks live snapshot <cdk.out> --out <dir>` or the AWS CLI call docs/live.md names for the file';

/** Reads a snapshot directory; throws `LiveError` (LiveSnapshot) when a file it needs is missing or not in its call's shape. */
export function readSnapshot(dir: string): Snapshot {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new LiveError(dir, 'LiveSnapshot', 'the snapshot directory does not exist.', 'nothing at that path', CAPTURE);
  }
  const snapshot = emptySnapshot();
  const json = <T>(file: string, key: string): T => {
    const where = path.join(dir, file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(where, 'utf8'));
    } catch (e) {
      throw new LiveError(where, 'LiveSnapshot', 'the file is not readable as JSON.', e instanceof Error ? e.message : String(e), CAPTURE);
    }
    if (typeof parsed !== 'object' || parsed === null || !(key in parsed)) {
      throw new LiveError(where, 'LiveSnapshot', `the file has no ${key}: it is not the AWS CLI's output of its call.`, JSON.stringify(Object.keys(parsed ?? {})), CAPTURE);
    }
    return parsed as T;
  };
  const files = (sub: string) => (fs.existsSync(path.join(dir, sub)) ? fs.readdirSync(path.join(dir, sub)).filter((f) => f.endsWith('.json')).sort() : []);
  const base = (f: string) => f.slice(0, -'.json'.length);
  for (const f of files('stack-resources')) snapshot.stackResources.set(base(f), json(`stack-resources/${f}`, 'StackResources'));
  for (const f of files('templates')) {
    const answer = json<{ TemplateBody: string | { [key: string]: unknown } }>(`templates/${f}`, 'TemplateBody');
    const body = typeof answer.TemplateBody === 'string' ? JSON.parse(answer.TemplateBody) : answer.TemplateBody;
    snapshot.templates.set(base(f), { TemplateBody: body });
  }
  if (snapshot.stackResources.size === 0) throw new LiveError(path.join(dir, 'stack-resources'), 'LiveSnapshot', 'the folder holds no <stack>.json.', 'no stack', CAPTURE);
  Object.assign(snapshot.securityGroupRules, json('security-group-rules.json', 'SecurityGroupRules'));
  for (const f of files('clusters')) snapshot.clusters.set(base(f), json(`clusters/${f}`, 'cluster'));
  const perCluster = <T>(kind: string, key: string, cluster: string) => new Map(files(`${kind}/${cluster}`).map((f): [string, T] => [base(f), json<T>(`${kind}/${cluster}/${f}`, key)]));
  for (const cluster of snapshot.clusters.keys()) {
    snapshot.nodegroups.set(cluster, perCluster('nodegroups', 'nodegroup', cluster));
    snapshot.addons.set(cluster, perCluster('addons', 'addon', cluster));
  }
  for (const f of files('insights')) snapshot.insights.set(base(f), json(`insights/${f}`, 'insights'));
  for (const f of files('target-health')) snapshot.targetHealth.set(base(f), json(`target-health/${f}`, 'TargetHealthDescriptions'));
  if (fs.existsSync(path.join(dir, 'alarms.json'))) Object.assign(snapshot.alarms, json('alarms.json', 'MetricAlarms'));
  return snapshot;
}

/** Writes a snapshot in the layout `readSnapshot` reads; every cluster gets its (maybe empty) add-on and node group folders. */
export function writeSnapshot(dir: string, snapshot: Snapshot): string[] {
  const written: string[] = [];
  const write = (file: string, value: unknown) => {
    const where = path.join(dir, file);
    fs.mkdirSync(path.dirname(where), { recursive: true });
    fs.writeFileSync(where, `${JSON.stringify(value, null, 4)}\n`);
    written.push(file);
  };
  for (const [stack, value] of snapshot.stackResources) write(`stack-resources/${stack}.json`, value);
  for (const [stack, value] of snapshot.templates) write(`templates/${stack}.json`, value);
  write('security-group-rules.json', snapshot.securityGroupRules);
  for (const [name, value] of snapshot.clusters) {
    write(`clusters/${name}.json`, value);
    for (const kind of ['nodegroups', 'addons'] as const) fs.mkdirSync(path.join(dir, kind, name), { recursive: true });
  }
  for (const [cluster, entries] of snapshot.nodegroups) for (const [name, value] of entries) write(`nodegroups/${cluster}/${name}.json`, value);
  for (const [cluster, entries] of snapshot.addons) for (const [name, value] of entries) write(`addons/${cluster}/${name}.json`, value);
  for (const [cluster, value] of snapshot.insights) write(`insights/${cluster}.json`, value);
  for (const [key, value] of snapshot.targetHealth) write(`target-health/${key}.json`, value);
  if (snapshot.alarms.MetricAlarms.length > 0) write('alarms.json', snapshot.alarms);
  return written;
}
