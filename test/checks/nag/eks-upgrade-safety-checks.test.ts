import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IApplyRule, NagMessageLevel } from 'cdk-nag';
import { buildApp } from '../../../bin/app';
import { ConnectivityRule, EksUpgradeSafetyChecks, RequiredFlows, SafeCluster } from '../../../lib';
import { ALL_FINDING_RULES, Findings } from '../../../lib/model/findings';
import { buildPlainEksApp } from '../../fixtures/plain-eks-app';
import { testApp, testStack, testVpc } from '../../helpers';

interface AppliedRule {
  readonly id: string;
  readonly level: string;
  readonly rule: string;
  readonly info: string;
  readonly explanation: string;
}

/** Records every rule the pack applies instead of running it (as cdk-nag's test/Packs.test.ts does). */
class RecordingPack extends EksUpgradeSafetyChecks {
  public readonly applied: AppliedRule[] = [];

  protected applyRule(params: IApplyRule): void {
    this.applied.push({
      id: `${this.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`,
      level: params.level === NagMessageLevel.WARN ? 'Warning' : params.level === NagMessageLevel.ERROR ? 'Error' : 'Info',
      rule: params.rule.name,
      info: params.info,
      explanation: params.explanation,
    });
  }
}

function appliedRules(): AppliedRule[] {
  const pack = new RecordingPack();
  const stack = new Stack();
  new CfnResource(stack, 'AnyResource', { type: 'Test::Any::Resource' });
  pack.validateScope(stack);
  return pack.applied;
}

describe('EksUpgradeSafetyChecks', () => {
  test('pack name is EksUpgradeSafety, for the plugin and for rule IDs', () => {
    const pack = new EksUpgradeSafetyChecks();
    expect(pack.name).toBe('EksUpgradeSafety');
    expect(pack.readPackName).toBe('EksUpgradeSafety');
  });

  test('pack manifest: rule IDs, levels and rule functions are locked', () => {
    expect(appliedRules().map(({ id, level, rule }) => [id, level, rule])).toEqual([
      ['EksUpgradeSafety-ESG1', 'Error', 'SecurityGroupNoClusterSecurityGroupPeer'],
      ['EksUpgradeSafety-ENG1', 'Error', 'EksNodegroupOwnedSecurityGroups'],
      ['EksUpgradeSafety-EFL1', 'Error', 'EksClusterRequiredFlowsOwned'],
      ['EksUpgradeSafety-ECL1', 'Error', 'EksClusterNoPublicEndpoint'],
      ['EksUpgradeSafety-ECL2', 'Error', 'EksClusterControlPlaneLogsComplete'],
      ['EksUpgradeSafety-ECL3', 'Error', 'EksClusterExplicitUpgradePolicy'],
      ['EksUpgradeSafety-EFG1', 'Warning', 'EksNoFargateProfile'],
      ['EksUpgradeSafety-EGR1', 'Error', 'EksClusterGuardrails'],
      ['EksUpgradeSafety-EDS1', 'Error', 'DataStoreNoClusterSecurityGroupDependency'],
      ['EksUpgradeSafety-EUP1', 'Error', 'EksClusterConnectivityProven'],
    ]);
  });

  test('the pack applies the catalogue: every rule of lib/model/findings.ts but EAS1 (assemblies only), with its text', () => {
    expect(appliedRules().map(({ id, level, info, explanation }) => ({ id, level, info, explanation })))
      .toEqual(ALL_FINDING_RULES.filter((r) => r !== Findings.ASSEMBLY_UNREADABLE).map(({ id, level, info, explanation }) => ({ id, level, info, explanation })));
    expect(Object.values(ConnectivityRule).sort()).toEqual([Findings.FLOW.id, Findings.DATA_STORE.id, Findings.UNPROVEN.id, Findings.ASSEMBLY_UNREADABLE.id].sort());
  });

  test('RULES.md lists the catalogue\'s finding kinds row by row', () => {
    const rulesMd = fs.readFileSync(path.join(__dirname, '../../../lib/checks/nag/RULES.md'), 'utf8');
    const rows = rulesMd.split('\n').map((line) => /^\| (EksUpgradeSafety-\w+) \| (`.+) \|$/.exec(line)).filter((m) => m !== null).map((m) => [m![1], m![2]]);
    expect(rows).toEqual(ALL_FINDING_RULES.filter((r) => r.findings !== '').map((r) => [r.id, r.findings]));
    expect(rulesMd).toContain(Findings.ASSEMBLY_UNREADABLE.id);
  });

  test('ConnectivityChecks reports its flow findings under this pack\'s rule IDs, so one acknowledgement covers both', () => {
    const packIds = appliedRules().map((r) => r.id);
    expect(packIds).toEqual(expect.arrayContaining([ConnectivityRule.FLOW_NOT_OWNED, ConnectivityRule.DATA_STORE_THROUGH_CLUSTER_GROUP]));
  });

  test('RULES.md lists exactly the pack\'s rules, with their level, cause and explanation', () => {
    const rulesMd = fs.readFileSync(path.join(__dirname, '../../../lib/checks/nag/RULES.md'), 'utf8');
    const rows = rulesMd.split('\n')
      .map((line) => /^\| (EksUpgradeSafety-\w+) \| (Error|Warning|Info) \| (.+) \| (.+) \|$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map(([, id, level, info, explanation]) => ({ id, level, info, explanation }));
    expect(rows).toEqual(appliedRules().map(({ id, level, info, explanation }) => ({ id, level, info, explanation })));

    const ids = new Set(appliedRules().map((r) => r.id));
    const findingRows = rulesMd.split('\n').map((line) => /^\| (EksUpgradeSafety-\w+) \| `/.exec(line)?.[1]).filter((id) => id !== undefined);
    expect(findingRows.filter((id) => !ids.has(id))).toEqual([]);
  });

  test('a granular finding is acknowledged on its own, with Validations.of(x).acknowledge', () => {
    const stack = testStack();
    const cluster = new SafeCluster(stack, 'Safe', {
      version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), defaultCapacity: 0,
      clusterLogging: [eks.ClusterLoggingTypes.API, eks.ClusterLoggingTypes.AUDIT, eks.ClusterLoggingTypes.AUTHENTICATOR],
    });
    Validations.of(cluster).acknowledge({ id: 'EksUpgradeSafety-ECL2[LogExport::scheduler]', reason: 'Scheduler logs are not read here.' });
    for (const finding of ['SecurityGroupChanges', 'ClusterChanges']) {
      Validations.of(cluster).acknowledge({ id: `EksUpgradeSafety-EGR1[${finding}]`, reason: 'Guardrails are tested on their own.' });
    }
    const violations = new EksUpgradeSafetyChecks().validateScope(stack).violations;
    expect(violations.map((v) => [v.ruleName, v.severity])).toEqual([['EksUpgradeSafety-ECL2[LogExport::controllerManager]', 'error']]);
  });

  test('the example app (bin/app.ts) has no findings, and synthesizes with the pack registered', () => {
    const app = buildApp(testApp());
    app.synth();
    expect(new EksUpgradeSafetyChecks().validateScope(app).violations).toEqual([]);
  });

  test('a plain aws-eks-v2 app with db.connections.allowDefaultPortFrom(cluster) is reported', () => {
    const app = buildPlainEksApp();
    app.synth();
    const violations = new EksUpgradeSafetyChecks().validateScope(app).violations;
    const reported = violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
    const cluster = 'PlainEks/Cluster/Resource';
    expect(reported.sort()).toEqual([
      `EksUpgradeSafety-ECL1[PublicAccessCidr::0.0.0.0/0] ${cluster}`,
      ...['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((t) => `EksUpgradeSafety-ECL2[LogExport::${t}] ${cluster}`),
      `EksUpgradeSafety-ECL3 ${cluster}`,
      'EksUpgradeSafety-EDS1[ReachableOnlyThroughClusterSecurityGroup] PlainData/Db/Resource',
      ...RequiredFlows.all().map((f) => `EksUpgradeSafety-EFL1[Flow::${f.id}] ${cluster}`).sort(),
      // No EventBridge rule watches the cluster or its groups.
      `EksUpgradeSafety-EGR1[ClusterChanges] ${cluster}`, `EksUpgradeSafety-EGR1[SecurityGroupChanges] ${cluster}`,
      // The node group on the EKS-created group (ENG1) and the database rule that trusts that group (ESG1).
      'EksUpgradeSafety-ENG1[NoLaunchTemplate] PlainEks/Cluster/NodegroupWorkers/Resource',
      'EksUpgradeSafety-ESG1 PlainData/Db/SecurityGroup/from PlainEksClusterClusterSecurityGroup44624DC6:{IndirectPort}',
    ]);
  });
});
