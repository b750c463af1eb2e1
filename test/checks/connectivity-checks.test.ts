import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Validations } from 'aws-cdk-lib';
import { ConnectivityChecks, ConnectivityRule } from '../../lib/checks/connectivity-checks';
import { RequiredFlows } from '../../lib/model/required-flows';
import { ownedCluster, template, clusterOnEksCreatedGroup, vpc } from '../fixtures/cfn-builders';
import { buildPlainEksApp } from '../fixtures/plain-eks-app';
import { testApp } from '../helpers';

const TABLE = RequiredFlows.all();

function writeTemplates(templates: { [name: string]: unknown }): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-plugin-'));
  return Object.entries(templates).map(([name, body]) => {
    const file = path.join(dir, `${name}.template.json`);
    fs.writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
    return file;
  });
}

const validate = (templatePaths: string[], plugin = new ConnectivityChecks()) =>
  plugin.validate({ templatePaths } as unknown as Parameters<ConnectivityChecks['validate']>[0]);

describe('ConnectivityChecks', () => {
  test('on any app: synthesis fails with one violation per flow lost in the replay, rule IDs shared with the CLI', () => {
    const app = buildPlainEksApp(testApp());
    Validations.of(app).addPlugins(new ConnectivityChecks());
    expect(() => app.synth()).toThrow(/Acknowledge with 'cdk-safe-eks-connectivity::EksUpgradeSafety-EFL1\[Flow::ControlPlaneToNodesHttps\]'/);
    const outdir = app.outdir;
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const ours = report.pluginReports.find((r: { pluginName: string }) => r.pluginName === 'cdk-safe-eks-connectivity');
    expect(ours.violations.map((v: { ruleName: string }) => v.ruleName)).toEqual([
      ...TABLE.map((f) => `${ConnectivityRule.FLOW_NOT_OWNED}[Flow::${f.id}]`),
      `${ConnectivityRule.DATA_STORE_THROUGH_CLUSTER_GROUP}[ReachableOnlyThroughClusterSecurityGroup]`,
    ]);
    expect(ours.violations.map((v: { description: string }) => v.description.split(' ')[0])).toEqual([...TABLE.map((f) => f.id), 'NodesToDatabase']);
  });

  test('each flow is acknowledged on its own, as <plugin>::<rule ID>', () => {
    const ids = [...TABLE.map((f) => `EksUpgradeSafety-EFL1[Flow::${f.id}]`), 'EksUpgradeSafety-EDS1[ReachableOnlyThroughClusterSecurityGroup]'];
    const synth = (acknowledged: string[]) => {
      const app = buildPlainEksApp(testApp());
      Validations.of(app).addPlugins(new ConnectivityChecks());
      for (const id of acknowledged) Validations.of(app).acknowledge({ id: `cdk-safe-eks-connectivity::${id}`, reason: 'test' });
      return () => app.synth();
    };
    expect(synth(ids.slice(1))).toThrow(/EksUpgradeSafety-EFL1\[Flow::ControlPlaneToNodesHttps\][^]*$/);
    expect(synth(ids.slice(1))).not.toThrow(/EksUpgradeSafety-EFL1\[Flow::ControlPlaneToNodesKubelet\]/);
    expect(synth(ids)).not.toThrow();
  });

  test('templates without a manifest: owned rules pass, a missing flow is reported with its fix and resource', () => {
    const owned = ownedCluster('C', { Ref: 'Vpc' });
    delete owned.CNodesToControlPlaneHttpsIn;
    const [file] = writeTemplates({ Stack: template({ Vpc: vpc(), ...owned }) });
    const result = validate([file]);
    expect(result.success).toBe(false);
    expect(result.violations).toEqual([expect.objectContaining({
      ruleName: 'EksUpgradeSafety-EFL1[Flow::NodesToControlPlaneHttps]',
      fix: 'add an AWS::EC2::SecurityGroupIngress on Stack/CControlPlaneSg from Stack/CNodeSg tcp 443',
      violatingResources: [{ resourceLogicalId: 'CCluster', templatePath: file, locations: ['Properties/ResourcesVpcConfig'] }],
    })]);
  });

  test('webhookFlows: false drops the webhook flows, an unreadable template is a warning', () => {
    const [bad, good] = writeTemplates({ Broken: '{"Resources":', Stack: template({ Vpc: vpc(), ...clusterOnEksCreatedGroup('C', { Ref: 'Vpc' }) }) });
    const result = validate([bad, good], new ConnectivityChecks({ webhookFlows: false }));
    expect(result.violations).toHaveLength(TABLE.filter((f) => !f.id.includes('Webhook')).length);
    expect(result.metadata?.warnings).toMatch(/Broken.template.json: not readable as JSON/);
  });

  test('an assembly whose manifest is broken is one violation, not a crash', () => {
    const [file] = writeTemplates({ Stack: template({}) });
    fs.writeFileSync(path.join(path.dirname(file), 'manifest.json'), 'nope');
    expect(validate([file]).violations).toEqual([expect.objectContaining({ ruleName: ConnectivityRule.ASSEMBLY_UNREADABLE })]);
  });
});
