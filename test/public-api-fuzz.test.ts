/**
 * Calls every public constructor and method of the library (enumerated from lib/index.ts, so a new
 * one without a recipe here fails the first test) with undefined, null, wrong types and tokens in
 * each argument and each prop, as a jsii caller (Python, Java, plain JavaScript) can. Only an error
 * `SafeEksErrors.isSafeEksError` recognises, or an aws-cdk-lib error naming the prop, may escape:
 * never a TypeError from inside. Constructs are built, not synthesized, to keep the run cheap.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ts from 'typescript';
import * as lib from '../lib';
import { tempStateFile } from './blue-green/pair-app';
import { testApp, testStack, testVpc } from './helpers';
import { JsiiParameter, loadAssemblyTypes } from './support/jsii-assembly';

const BAD_VALUES: Array<[string, () => unknown]> = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['a number', () => 42],
  ['NaN', () => NaN],
  ['a string', () => 'not-valid'],
  ['a boolean', () => true],
  ['an empty object', () => ({})],
  ['an empty array', () => []],
  ['a function', () => () => 1],
  ['a string token', () => Token.asString({ resolve: () => 'x' })],
  ['a number token', () => Token.asNumber({ resolve: () => 1 })],
];

const MARK = Symbol('replaced argument');
const TRAIL_STATEMENT = 'The organization trail logs management events in every region.';
const LIB_DIR = path.join(__dirname, '..', 'lib');

interface Env { app: App; stack: Stack; vpc: ec2.Vpc; n: number; shared: Map<string, unknown> }

interface Recipe {
  /** Valid arguments, built in `env`; `target` is the object a method is called on. */
  make(env: Env): { target?: unknown; args: unknown[] };
  call(target: unknown, args: unknown[]): unknown;
  /**
   * Props of aws-cdk-lib types to vary, by argument index (`a.b` for a prop of a nested object): the
   * props of this library's own structs are read from its jsii assembly, these are not in it.
   */
  foreignProps?: { [index: number]: string[] };
}

const uid = (env: Env, prefix: string) => `${prefix}${env.n++}`;
const clusterProps = (env: Env) => ({ version: eks.KubernetesVersion.V1_34, vpc: env.vpc, defaultCapacity: 0, clusterName: uid(env, 'c') });
// Targets and valid arguments that are constructs are built once per recipe: each case adds only what it calls.
function once<T>(env: Env, key: string, make: () => T): T {
  if (!env.shared.has(key)) env.shared.set(key, make());
  return env.shared.get(key) as T;
}
const safeCluster = (env: Env) => once(env, 'cluster', () => new lib.SafeCluster(env.stack, 'Cluster', clusterProps(env)));
const targetGroup = (env: Env) => once(env, 'targetGroup', () => elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(env.stack, 'Tg', {
  targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/blue/0123456789abcdef',
}));
const database = (env: Env) => once(env, 'database', () => new lib.DependentDatabase(env.stack, 'Db', { vpc: env.vpc }));
type AnyFn = (...a: unknown[]) => unknown;
const method = (name: string) => (target: unknown, args: unknown[]) => ((target as Record<string, AnyFn>)[name]).apply(target, args);

const RECIPES: { [key: string]: Recipe } = {
  'SafeCluster.constructor': {
    make: (env) => ({ args: [env.stack, uid(env, 'Safe'), clusterProps(env)] }),
    call: (_, a) => new lib.SafeCluster(a[0] as Stack, a[1] as string, a[2] as lib.SafeClusterProps),
  },
  'SafeCluster.fromSafeClusterAttributes': {
    make: (env) => ({
      args: [env.stack, uid(env, 'Import'), {
        clusterName: 'imported', vpc: env.vpc, nodeSecurityGroupId: 'sg-0aaaaaaaaaaaaaaaa', controlPlaneSecurityGroupId: 'sg-0bbbbbbbbbbbbbbbb',
      }],
    }),
    call: (_, a) => lib.SafeCluster.fromSafeClusterAttributes(a[0] as Stack, a[1] as string, a[2] as lib.SafeClusterAttributes),
  },
  'SafeCluster.isSafeCluster': { make: () => ({ args: [{}] }), call: (_, a) => lib.SafeCluster.isSafeCluster(a[0]) },
  'SafeCluster.addNodegroup': {
    make: (env) => ({ target: safeCluster(env), args: [uid(env, 'Ng'), { minSize: 1, desiredSize: 1, maxSize: 2 }] }),
    call: method('addNodegroup'),
  },
  'SafeCluster.addFargateProfile': {
    make: (env) => ({ target: safeCluster(env), args: [uid(env, 'Fp'), { selectors: [{ namespace: 'default' }] }] }),
    call: method('addFargateProfile'),
    foreignProps: { 1: ['selectors', 'fargateProfileName', 'subnetSelection', 'podExecutionRole'] },
  },
  'SafeCluster.acknowledgeConnectivityFinding': {
    make: (env) => ({ target: safeCluster(env), args: ['EksUpgradeSafety-EUP1', 'nodes come from a later stack'] }),
    call: method('acknowledgeConnectivityFinding'),
  },
  'SafeCluster.addWebhookPort': { make: (env) => ({ target: safeCluster(env), args: [15017, 'Istio sidecar injector'] }), call: method('addWebhookPort') },
  'SafeCluster.allowApiAccessFrom': {
    make: (env) => ({ target: safeCluster(env), args: [ec2.Peer.ipv4('10.20.0.0/16')] }), call: method('allowApiAccessFrom'),
  },
  'SafeCluster.allowNodePortsFrom': {
    make: (env) => ({
      target: safeCluster(env),
      args: [once(env, 'lbGroup', () => new ec2.SecurityGroup(env.stack, 'LbGroup', { vpc: env.vpc })), 8080],
    }),
    call: method('allowNodePortsFrom'),
  },
  'SafeCluster.addGuardrails': {
    make: (env) => ({ target: new lib.SafeCluster(env.stack, uid(env, 'Guarded'), clusterProps(env)), args: [{ trail: lib.GuardrailTrail.organizationTrail(TRAIL_STATEMENT) }] }),
    call: method('addGuardrails'),
  },
  'ClusterGuardrails.constructor': {
    make: (env) => ({ args: [env.stack, uid(env, 'Guardrails'), { cluster: safeCluster(env), trail: lib.GuardrailTrail.organizationTrail(TRAIL_STATEMENT), healthEvents: false }] }),
    call: (_, a) => new lib.ClusterGuardrails(a[0] as Stack, a[1] as string, a[2] as lib.ClusterGuardrailsProps),
  },
  'CliPolicy.constructor': {
    make: (env) => ({ args: [env.stack, uid(env, 'CliPolicy'), { commands: [lib.CliCommand.VERIFY_LIVE], stackNames: ['Payments-Blue'] }] }),
    call: (_, a) => new lib.CliPolicy(a[0] as Stack, a[1] as string, a[2] as lib.CliPolicyProps),
    foreignProps: { 2: ['roles'] },
  },
  'CliCommand.all': { make: () => ({ args: [] }), call: () => lib.CliCommand.all() },
  'ClusterGuardrails.alarmName': {
    make: () => ({ args: ['payments-blue', lib.GuardrailAlarm.HEALTHY_HOSTS] }),
    call: (_, a) => lib.ClusterGuardrails.alarmName(a[0] as string, a[1] as lib.GuardrailAlarm),
  },
  'ClusterGuardrails.alarmArn': {
    make: () => ({ args: ['payments-blue', lib.GuardrailAlarm.CHANGES, 'aws', 'eu-west-1', '111111111111'] }),
    call: (_, a) => lib.ClusterGuardrails.alarmArn(a[0] as string, a[1] as lib.GuardrailAlarm, a[2] as string, a[3] as string, a[4] as string),
  },
  'GuardrailTrail.fromTrail': {
    make: (env) => ({ args: [once(env, 'trail', () => new cloudtrail.Trail(env.stack, 'Trail'))] }),
    call: (_, a) => lib.GuardrailTrail.fromTrail(a[0] as cloudtrail.Trail),
  },
  'GuardrailTrail.organizationTrail': { make: () => ({ args: [TRAIL_STATEMENT] }), call: (_, a) => lib.GuardrailTrail.organizationTrail(a[0] as string) },
  'GuardrailTrail.create': { make: () => ({ args: [] }), call: () => lib.GuardrailTrail.create() },
  'GuardrailTrail.bind': {
    make: (env) => ({ target: lib.GuardrailTrail.organizationTrail(TRAIL_STATEMENT), args: [env.stack] }),
    call: method('bind'),
  },
  'SafeCluster.enableKarpenter': { make: (env) => ({ target: safeCluster(env), args: [] }), call: method('enableKarpenter') },
  'SafeCluster.enableLoadBalancerController': {
    make: (env) => ({ target: safeCluster(env), args: [[targetGroup(env)]] }), call: method('enableLoadBalancerController'),
  },
  'LoadBalancerControllerAccess.constructor': {
    make: (env) => ({ args: [env.stack, uid(env, 'Lbc'), { cluster: safeCluster(env), targetGroups: [targetGroup(env)] }] }),
    call: (_, a) => new lib.LoadBalancerControllerAccess(a[0] as Stack, a[1] as string, a[2] as lib.LoadBalancerControllerAccessProps),
  },
  'LoadBalancerControllerAccess.addTargetGroup': {
    make: (env) => ({
      target: once(env, 'lbc', () => new lib.LoadBalancerControllerAccess(env.stack, 'Lbc', { cluster: safeCluster(env), targetGroups: [targetGroup(env)] })),
      args: [targetGroup(env)],
    }),
    call: method('addTargetGroup'),
  },
  'KarpenterNodeAccess.constructor': {
    make: (env) => ({
      args: [env.stack, uid(env, 'Karpenter'), { cluster: safeCluster(env).cluster, clusterName: 'safe', nodeSecurityGroup: safeCluster(env).nodeSecurityGroup }],
    }),
    call: (_, a) => new lib.KarpenterNodeAccess(a[0] as Stack, a[1] as string, a[2] as lib.KarpenterNodeAccessProps),
  },
  'SafeNodegroup.constructor': {
    make: (env) => ({ args: [env.stack, uid(env, 'Ng'), { cluster: safeCluster(env), minSize: 1, desiredSize: 1, maxSize: 2 }] }),
    call: (_, a) => new lib.SafeNodegroup(a[0] as Stack, a[1] as string, a[2] as lib.SafeNodegroupProps),
  },
  'DataStoreAccess.constructor': {
    make: (env) => ({
      args: [env.stack, uid(env, 'Access'), { securityGroup: ec2.SecurityGroup.fromSecurityGroupId(env.stack, uid(env, 'Sg'), 'sg-0cccccccccccccccc'), port: 5432, vpc: env.vpc }],
    }),
    call: (_, a) => new lib.DataStoreAccess(a[0] as Stack, a[1] as string, a[2] as lib.DataStoreAccessProps),
  },
  'DataStoreAccess.allowFrom': {
    make: (env) => ({
      target: once(env, 'access', () => new lib.DataStoreAccess(env.stack, 'Access', { securityGroup: ec2.SecurityGroup.fromSecurityGroupId(env.stack, 'Sg', 'sg-0cccccccccccccccc'), port: 5432 })),
      args: [safeCluster(env)],
    }),
    call: method('allowFrom'),
  },
  'DependentDatabase.constructor': {
    make: (env) => ({ args: [env.stack, uid(env, 'Db'), { vpc: env.vpc }] }),
    call: (_, a) => new lib.DependentDatabase(a[0] as Stack, a[1] as string, a[2] as lib.DependentDatabaseProps),
  },
  'DependentDatabase.allowFrom': { make: (env) => ({ target: database(env), args: [safeCluster(env)] }), call: method('allowFrom') },
  // The base class's allowFrom, reached through a database.
  'DependentDataStore.allowFrom': { make: (env) => ({ target: database(env), args: [safeCluster(env)] }), call: (t, a) => lib.DependentDataStore.prototype.allowFrom.apply(t, a as [lib.ISafeCluster]) },
  'DependentDatabase.grantConnect': {
    make: (env) => ({ target: database(env), args: [once(env, 'role', () => new iam.Role(env.stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() })), 'app'] }),
    call: method('grantConnect'),
  },
  // A database takes one single-user rotation: a new one per case.
  'DependentDatabase.addRotationSingleUser': {
    make: (env) => ({ target: new lib.DependentDatabase(env.stack, uid(env, 'Db'), { vpc: env.vpc }), args: [{}] }),
    call: method('addRotationSingleUser'),
  },
  'DependentCache.constructor': {
    make: (env) => ({ args: [env.stack, uid(env, 'Cache'), { vpc: env.vpc }] }),
    call: (_, a) => new lib.DependentCache(a[0] as Stack, a[1] as string, a[2] as lib.DependentCacheProps),
  },
  'DependentCache.allowFrom': {
    make: (env) => ({ target: once(env, 'cache', () => new lib.DependentCache(env.stack, 'Cache', { vpc: env.vpc })), args: [safeCluster(env)] }),
    call: method('allowFrom'),
  },
  'EksUpgradeSafetyChecks.constructor': { make: (env) => ({ args: [env.app, {}] }), call: (_, a) => new lib.EksUpgradeSafetyChecks(a[0] as App, a[1] as object) },
  'EksUpgradeSafetyChecks.validateScope': { make: (env) => ({ target: new lib.EksUpgradeSafetyChecks(), args: [env.stack] }), call: method('validateScope') },
  'ConnectivityChecks.constructor': {
    make: () => ({ args: [{ webhookFlows: true }] }),
    call: (_, a) => new lib.ConnectivityChecks(a[0] as lib.ConnectivityChecksProps),
  },
  'ConnectivityChecks.validate': {
    make: () => ({ target: new lib.ConnectivityChecks(), args: [{ templatePaths: [] }] }),
    call: method('validate'),
    foreignProps: { 0: ['templatePaths'] },
  },
  'RequiredFlows.all': { make: () => ({ args: [] }), call: () => lib.RequiredFlows.all() },
  'RequiredFlows.select': { make: () => ({ args: [{ webhookFlows: false }] }), call: (_, a) => lib.RequiredFlows.select(a[0] as lib.FlowSelection) },
  'RequiredFlows.formatPorts': { make: () => ({ args: [lib.RequiredFlows.all()[0]] }), call: (_, a) => lib.RequiredFlows.formatPorts(a[0] as lib.RequiredFlow) },
  'RequiredFlows.allTraffic': { make: () => ({ args: [] }), call: () => lib.RequiredFlows.allTraffic() },
  'RequiredFlows.selectionProblem': {
    make: () => ({ args: [{ webhookFlows: false }] }), call: (_, a) => lib.RequiredFlows.selectionProblem(a[0] as lib.FlowSelection),
  },
  'RequiredFlows.webhookFlow': { make: () => ({ args: [15017, 'Istio'] }), call: (_, a) => lib.RequiredFlows.webhookFlow(a[0] as number, a[1] as string) },
  'RequiredFlows.apiAccessFromCidr': { make: () => ({ args: ['10.20.0.0/16'] }), call: (_, a) => lib.RequiredFlows.apiAccessFromCidr(a[0] as string) },
  'RequiredFlows.apiAccessFromGroup': {
    make: () => ({ args: ['StackCiRunner', 'sg-0123456789abcdef0'] }), call: (_, a) => lib.RequiredFlows.apiAccessFromGroup(a[0] as string, a[1] as string),
  },
  'RequiredFlows.nodePortFrom': {
    make: () => ({ args: [30080, 'StackNlb', 'sg-0123456789abcdef0'] }),
    call: (_, a) => lib.RequiredFlows.nodePortFrom(a[0] as number, a[1] as string, a[2] as string),
  },
  'RequiredFlows.kubectlProviderToApi': {
    make: () => ({ args: ['sg-0123456789abcdef0', 'StackGroup'] }), call: (_, a) => lib.RequiredFlows.kubectlProviderToApi(a[0] as string, a[1] as string),
  },
  'RequiredFlows.formatProtocolPorts': {
    make: () => ({ args: ['icmp', 3, 4] }), call: (_, a) => lib.RequiredFlows.formatProtocolPorts(a[0] as string, a[1] as number, a[2] as number),
  },
  'FlowModel.fromTemplates': {
    make: () => ({ args: [[{ stackName: 'S', template: { Resources: {} } }]] }),
    call: (_, a) => lib.FlowModel.fromTemplates(a[0] as lib.StackTemplate[]),
  },
  'FlowModel.fromAssemblyDirectory': { make: () => ({ args: ['/nonexistent-cdk-out'] }), call: (_, a) => lib.FlowModel.fromAssemblyDirectory(a[0] as string) },
  'FlowModel.evaluate': {
    make: () => ({ target: lib.FlowModel.fromTemplates([]), args: [{ webhookFlows: true, clusters: [] }] }),
    call: method('evaluate'),
  },
  'SafeVpc.constructor': {
    make: (env) => ({ args: [env.stack, uid(env, 'Vpc'), { maxAzs: 1, natGateways: 1 }] }),
    call: (_, a) => new lib.SafeVpc(a[0] as Stack, a[1] as string, a[2] as lib.SafeVpcProps),
    // SafeVpcProps extends aws-cdk-lib's VpcProps, whose props the assembly of this library does not list.
    foreignProps: {
      2: ['ipProtocol', 'ipAddresses', 'cidr', 'enableDnsHostnames', 'enableDnsSupport', 'defaultInstanceTenancy',
        'maxAzs', 'reservedAzs', 'availabilityZones', 'natGateways', 'natGatewaySubnets', 'natGatewayProvider', 'subnetConfiguration', 'vpnGateway',
        'vpnGatewayAsn', 'vpnConnections', 'vpnRoutePropagation', 'gatewayEndpoints', 'flowLogs', 'vpcName', 'restrictDefaultSecurityGroup',
        'createInternetGateway', 'ipv6Addresses'],
    },
  },
  'BlueGreenClusterPair.constructor': {
    // One color only: each case that passes the guards builds a cluster, which is most of this recipe's time.
    make: (env) => ({ args: [env.app, uid(env, 'Pair'), pairProps()] }),
    call: (_, a) => new lib.BlueGreenClusterPair(a[0] as App, a[1] as string, a[2] as lib.BlueGreenClusterPairProps),
    foreignProps: { 2: ['env.region', 'env.account'] },
  },
  'BlueGreenClusterPair.addDataStore': {
    make: (env) => {
      const pair = once(env, 'pair', () => new lib.BlueGreenClusterPair(env.app, 'Pair', pairProps()));
      return { target: pair, args: [once(env, 'pairCache', () => new lib.DependentCache(pair.sharedStack, 'Cache', { vpc: pair.vpc }))] };
    },
    call: method('addDataStore'),
  },
  'BlueGreenClusterPair.acknowledgeLiveUpdate': {
    make: (env) => ({
      target: once(env, 'pair', () => new lib.BlueGreenClusterPair(env.app, 'Pair', { ...pairProps(), blue: undefined })),
      args: [lib.PairColor.GREEN, 'scale General for the sale'],
    }),
    call: method('acknowledgeLiveUpdate'),
  },
  'BlueGreenClusterPair.acknowledgeRisk': {
    make: (env) => ({
      target: once(env, 'pair', () => new lib.BlueGreenClusterPair(env.app, 'Pair', { ...pairProps(), blue: undefined })),
      args: [lib.PairColor.GREEN, lib.PairRisk.WEIGHT_JUMP, 'first deploy: the pair serves no users yet'],
    }),
    call: method('acknowledgeRisk'),
  },
  'BlueGreenClusterPair.clusterOf': {
    make: (env) => ({ target: once(env, 'pair', () => new lib.BlueGreenClusterPair(env.app, 'Pair', { ...pairProps(), blue: undefined })), args: [lib.PairColor.BLUE] }),
    call: method('clusterOf'),
  },
  'TrafficShift.albWeighted': {
    make: () => ({ args: [{ certificateArn: CERTIFICATE_ARN }] }),
    call: (_, a) => lib.TrafficShift.albWeighted(a[0] as lib.AlbWeightedOptions),
  },
  'TrafficShift.route53Weighted': {
    make: (env) => ({
      args: [{
        zone: once(env, 'zone', () => route53.HostedZone.fromHostedZoneAttributes(env.stack, 'Zone', { hostedZoneId: 'Z0000000000000000000', zoneName: 'example.com' })),
        recordName: 'app', blueDnsName: 'blue.example.com',
      }],
    }),
    call: (_, a) => lib.TrafficShift.route53Weighted(a[0] as lib.Route53WeightedOptions),
  },
  'ChangeSafety.templatesOf': { make: () => ({ args: ['/nonexistent-cdk-out'] }), call: (_, a) => lib.ChangeSafety.templatesOf(a[0] as string) },
  'ChangeSafety.compare': {
    make: () => ({ args: [[{ stackName: 'S', template: { Resources: {} } }], [{ stackName: 'S', template: { Resources: {} } }], NO_REPLACEMENTS, {}] }),
    call: (_, a) => lib.ChangeSafety.compare(a[0] as lib.StackTemplate[], a[1] as lib.StackTemplate[], a[2] as lib.IReplacementRules, a[3] as lib.ChangeSafetyOptions),
  },
  'PairChangeIntent.constructor': { make: () => ({ args: [] }), call: () => new lib.PairChangeIntent() },
  'PairChangeIntent.judge': {
    make: () => ({
      target: new lib.PairChangeIntent(),
      args: [{ stack: 'S', logicalId: 'C', change: lib.ChangeKind.REPLACED, before: { Type: 'AWS::EKS::Cluster' }, deletionProtected: false, templateMetadataBefore: {}, templateMetadataAfter: {} }],
    }),
    call: method('judge'),
  },
  'CloudFormationSchema.constructor': { make: () => ({ args: [] }), call: () => new lib.CloudFormationSchema() },
  // Reads the resource schemas once per instance (about a second): one instance for every case.
  'CloudFormationSchema.replacementPaths': {
    make: (env) => ({ target: once(env, 'schema', () => new lib.CloudFormationSchema()), args: ['AWS::EKS::Cluster'] }),
    call: method('replacementPaths'),
  },
  'SafeEksErrors.isSafeEksError': { make: () => ({ args: [new Error('x')] }), call: (_, a) => lib.SafeEksErrors.isSafeEksError(a[0]) },
  'SafeEksErrors.codeOf': { make: () => ({ args: [new Error('x')] }), call: (_, a) => lib.SafeEksErrors.codeOf(a[0]) },
  ...Object.fromEntries(['writesEksCreatedGroupRule', 'unreadableReason', 'nodegroupSecurityGroups', 'dataStoreSecurityGroups', 'templatePathOf'].map((name) => [
    `FlowModel.${name}`, { make: () => ({ target: lib.FlowModel.fromTemplates([]), args: ['S/Resource'] }), call: method(name) } as Recipe,
  ])),
};

/** A copy of `props` with the prop at `path` (`blue.version` for a nested one) set to `value`. */
function withProp(props: unknown, [head, ...rest]: string[], value: unknown): object {
  const copy: { [key: string]: unknown } = { ...(props as object) };
  copy[head] = rest.length === 0 ? value : withProp(copy[head], rest, value);
  return copy;
}

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000';
// An empty state file of its own (nothing deployed yet): no file in the working directory is read.
const NO_STATE_FILE = tempStateFile();
const NO_REPLACEMENTS: lib.IReplacementRules = { replacementPaths: () => [] };

function pairProps(): lib.BlueGreenClusterPairProps {
  return {
    env: { account: '111111111111', region: 'eu-west-1' },
    trafficShift: lib.TrafficShift.albWeighted({ certificateArn: CERTIFICATE_ARN }),
    blue: { version: eks.KubernetesVersion.V1_34, weight: 100, nodegroups: {} },
    stateFile: NO_STATE_FILE,
  };
}


/**
 * Members and constructors declared `private` or `protected` in lib/, read from the sources with the
 * TypeScript parser (no type check): they are not entry points a caller passes input to, and a list by
 * hand would go stale each time a class gains a private helper.
 */
function nonPublicMembers(): Set<string> {
  const hidden = new Set<string>();
  const isHidden = (node: ts.Node) => ts.canHaveModifiers(node)
    && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
  const files = fs.readdirSync(LIB_DIR, { recursive: true, encoding: 'utf-8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  for (const file of files) {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(LIB_DIR, file), 'utf-8'), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      if (!ts.isClassDeclaration(statement) || statement.name === undefined) continue;
      for (const member of statement.members) {
        if (ts.isConstructorDeclaration(member) && isHidden(member)) hidden.add(`${statement.name.text}.constructor`);
        const name = member.name !== undefined && (ts.isIdentifier(member.name) || ts.isPrivateIdentifier(member.name)) ? member.name.text : undefined;
        if (name !== undefined && (isHidden(member) || ts.isPrivateIdentifier(member.name!))) hidden.add(`${statement.name.text}.${name}`);
      }
    }
  }
  return hidden;
}

function publicEntryPoints(): string[] {
  const hidden = nonPublicMembers();
  const entries: string[] = [];
  for (const [name, value] of Object.entries(lib)) {
    if (typeof value !== 'function' || !/^class /.test(Function.prototype.toString.call(value))) continue;
    const statics = Object.getOwnPropertyNames(value).filter((m) => typeof (value as unknown as Record<string, unknown>)[m] === 'function');
    const methods = Object.getOwnPropertyNames(value.prototype).filter((m) => m !== 'constructor'
      && typeof Object.getOwnPropertyDescriptor(value.prototype, m)?.value === 'function');
    entries.push(`${name}.constructor`, ...statics.map((m) => `${name}.${m}`), ...methods.map((m) => `${name}.${m}`));
  }
  // jsii strips `@internal` members, which must start with an underscore: not public API.
  return entries.filter((e) => !hidden.has(e) && !e.split('.')[1].startsWith('_'));
}

// Read when this file loads: a missing or stale build fails every test of the file, with the fix.
const ASSEMBLY = loadAssemblyTypes();
const OWN = 'cdk-safe-eks.';

/** Props of one of this library's structs, its own parents' included; `prefix.` for a nested struct. */
function structProps(fqn: string, prefix = ''): string[] {
  const type = ASSEMBLY[fqn];
  const own = (type.properties ?? []).flatMap((p) => {
    const nested = p.type.fqn !== undefined && ASSEMBLY[p.type.fqn]?.datatype === true && prefix === '' ? structProps(p.type.fqn, `${p.name}.`) : [];
    return [`${prefix}${p.name}`, ...nested];
  });
  return [...own, ...(type.interfaces ?? []).filter((i) => i.startsWith(OWN)).flatMap((i) => structProps(i, prefix))];
}

/** The structs a struct extends from outside this library (aws-cdk-lib's): their props come from the recipe. */
function foreignParents(fqn: string): string[] {
  const type = ASSEMBLY[fqn];
  return (type.interfaces ?? []).flatMap((i) => (i.startsWith(OWN) ? foreignParents(i) : [i]));
}

/** The parameters of `Class.member` (`constructor` for the initializer) in the assembly; a method may be its base class's. */
function parametersOf(key: string): JsiiParameter[] {
  const [cls, member] = key.split('.');
  for (let type = ASSEMBLY[`${OWN}${cls}`]; type !== undefined; type = ASSEMBLY[type.base ?? '']) {
    const callable = member === 'constructor' ? type.initializer : type.methods?.find((m) => m.name === member);
    if (callable !== undefined) return callable.parameters ?? [];
  }
  throw new Error(`${key} is not in the jsii assembly`);
}

/** For each argument that is a struct: every prop to vary, read from the assembly, plus the recipe's foreign ones. */
function propsToVary(key: string, recipe: Recipe): Array<[number, string[]]> {
  const own = parametersOf(key).flatMap((p, i): Array<[number, string[]]> => {
    const fqn = p.type.fqn;
    return fqn !== undefined && ASSEMBLY[fqn]?.datatype === true && fqn.startsWith(OWN) ? [[i, structProps(fqn)]] : [];
  });
  const foreign = Object.entries(recipe.foreignProps ?? {}).map(([i, names]): [number, string[]] => [Number(i), names]);
  return [...own, ...foreign];
}

function newEnv(): Env {
  const app = testApp();
  const stack = testStack(app);
  return { app, stack, vpc: testVpc(stack), n: 0, shared: new Map() };
}

/** undefined when the error is acceptable, else why not. */
function unacceptable(error: unknown, names: string[]): string | undefined {
  if (lib.SafeEksErrors.isSafeEksError(error)) return undefined;
  const message = error instanceof Error ? error.message : String(error);
  const fromCdk = error instanceof Error && !(error instanceof TypeError) && !(error instanceof RangeError);
  if (fromCdk && names.some((n) => message.includes(n))) return undefined;
  return `${error instanceof Error ? error.constructor.name : typeof error}: ${message.split('\n')[0]}`;
}

describe('fuzz of the public API with wrong inputs', () => {
  test('every public constructor and method has a recipe', () => {
    expect(publicEntryPoints().filter((e) => !(e in RECIPES))).toEqual([]);
  });

  test('the props to vary come from the jsii assembly', () => {
    // Every recipe names an entry point of the assembly, and a struct argument's props are all varied.
    for (const key of Object.keys(RECIPES)) expect(() => parametersOf(key)).not.toThrow();
    expect(propsToVary('SafeCluster.constructor', RECIPES['SafeCluster.constructor'])).toEqual([[2, expect.arrayContaining(['version', 'vpc', 'clusterName'])]]);
    expect(propsToVary('BlueGreenClusterPair.constructor', RECIPES['BlueGreenClusterPair.constructor'])[0][1])
      .toEqual(expect.arrayContaining(['blue', 'blue.version', 'green.weight', 'vpc', 'env.region'].filter((n) => !n.startsWith('env'))));
    // A struct that extends an aws-cdk-lib struct needs its recipe to list the inherited props.
    const missingForeign = Object.keys(RECIPES).flatMap((key) => parametersOf(key).flatMap((p, i) => {
      const fqn = p.type.fqn;
      const needs = fqn?.startsWith(OWN) && ASSEMBLY[fqn]?.datatype === true && foreignParents(fqn).length > 0;
      return needs && !(RECIPES[key].foreignProps?.[i]?.length) ? [`${key} argument ${i} (${fqn} extends ${foreignParents(fqn!).join(', ')})`] : [];
    }));
    expect(missingForeign).toEqual([]);
  });

  let cases = 0;
  afterAll(() => {
    // At least every bad value in every argument and prop of every entry point ran.
    expect(cases).toBeGreaterThan(Object.keys(RECIPES).length * BAD_VALUES.length);
  });

  for (const [key, recipe] of Object.entries(RECIPES)) {
    test(`${key}: only SafeEksError, or an error naming the argument`, () => {
      const env = newEnv();
      const failures: string[] = [];
      const attempt = (what: string, names: string[], mutate: (args: unknown[]) => void) => {
        for (const [label, bad] of BAD_VALUES) {
          const { target, args } = recipe.make(env);
          mutate(args);
          const value = bad();
          const replaced = args.map((a) => (a === MARK ? value : a));
          cases++;
          try {
            recipe.call(target, replaced);
          } catch (e) {
            const why = unacceptable(e, names);
            if (why) failures.push(`${what} = ${label}: ${why}`);
          }
        }
      };
      const { args: valid } = recipe.make(env);
      valid.forEach((_, i) => attempt(`argument ${i}`, ['scope', 'id', 'props', 'options', 'attrs'], (args) => { args[i] = MARK; }));
      for (const [index, names] of propsToVary(key, recipe)) {
        for (const prop of names) {
          for (const [label, bad] of BAD_VALUES) {
            const { target, args } = recipe.make(env);
            args[index] = withProp(args[index], prop.split('.'), bad());
            cases++;
            try {
              recipe.call(target, args);
            } catch (e) {
              const why = unacceptable(e, [prop, prop.split('.').pop()!]);
              if (why) failures.push(`${prop} = ${label}: ${why}`);
            }
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
