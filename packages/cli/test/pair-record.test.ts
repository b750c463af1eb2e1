import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { ExitCode } from '../../../lib/cli/program';
import { runLive } from './support/run';

const cfn = mockClient(CloudFormationClient);
const error = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client' });

const cluster = (name: string, version: string) => ({ Type: 'AWS::EKS::Cluster', Properties: { Name: name, Version: version, DeletionProtection: true } });
const TEMPLATES: { [stack: string]: object } = {
  'Payments-Blue': { Resources: {
    Cluster: cluster('payments-blue-1-34', '1.34'),
    KubeProxy: { Type: 'AWS::EKS::Addon', Properties: { AddonName: 'kube-proxy', AddonVersion: 'v1.34.3-eksbuild.5', ClusterName: 'payments-blue-1-34' } },
    GeneralNodegroup: { Type: 'AWS::EKS::Nodegroup', Properties: { ClusterName: 'payments-blue-1-34', Version: '1.34', ReleaseVersion: '1.34.2-20261201' } },
  } },
  'Payments-Green': { Resources: { Cluster: cluster('payments-green-1-35', '1.35') } },
  'Payments-Traffic': { Metadata: { 'cdk-safe-eks:pair-weights': { pair: 'Payments', weights: { Blue: 50, Green: 50 } } }, Resources: {} },
};

/** An assembly of the pair's three stacks (Shared aside) with the pair's file, and an empty state file. */
function setup(): { assembly: string; state: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-record-'));
  const artifacts = Object.fromEntries(Object.entries(TEMPLATES).map(([name, template]) => {
    fs.writeFileSync(path.join(dir, `${name}.template.json`), JSON.stringify(template));
    return [name, { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1', properties: {
      templateFile: `${name}.template.json`, assumeRoleArn: 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-${AWS::Region}' } }];
  }));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts }));
  const synthesized = (name: string, version: string, weight: number) => ({ version, weight, clusterName: `payments-${name}-${version.replace('.', '-')}`, fingerprint: 'synthesized', deletionProtection: true });
  fs.writeFileSync(path.join(dir, 'Payments.blue-green.json'), JSON.stringify({
    pair: 'Payments', account: '111111111111', region: 'eu-west-1', upgradeStrategy: 'REPLACE',
    stacks: { shared: 'Payments-Shared', blue: 'Payments-Blue', green: 'Payments-Green', traffic: 'Payments-Traffic' },
    nodegroupLogicalIds: { blue: { General: 'GeneralNodegroup' }, green: {} },
    blue: synthesized('blue', '1.34', 50), green: synthesized('green', '1.35', 50),
  }));
  const state = path.join(dir, 'state.json');
  fs.writeFileSync(state, JSON.stringify({ formatVersion: 2, pairs: {} }));
  return { assembly: dir, state };
}


beforeEach(() => {
  cfn.reset();
  for (const [StackName, template] of Object.entries(TEMPLATES)) cfn.on(GetTemplateCommand, { StackName, TemplateStage: 'Original' }).resolves({ TemplateBody: JSON.stringify(template), StagesAvailable: ['Original', 'Processed'] });
});

describe('pair record --from-deployed, online', () => {
  test('reads the Original template of the Traffic and color stacks, and records what they deploy', async () => {
    const { assembly, state } = setup();
    const result = await runLive('pair', 'record', '--pair', 'Payments', '--from-deployed', '--assembly', assembly, '--state-file', state, '--no-assume-role');
    expect(result.err).toBe('');
    expect(result.code).toBe(ExitCode.OK);
    expect(cfn.commandCalls(GetTemplateCommand).map((c) => c.args[0].input.StackName)).toEqual(['Payments-Traffic', 'Payments-Blue', 'Payments-Green']);
    const recorded = JSON.parse(fs.readFileSync(state, 'utf8')).pairs.Payments;
    expect(recorded).toMatchObject({ account: '111111111111', region: 'eu-west-1', upgradeStrategy: 'REPLACE',
      blue: { clusterName: 'payments-blue-1-34', version: '1.34', weight: 50, deletionProtection: true, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) },
      green: { clusterName: 'payments-green-1-35', version: '1.35', weight: 50 } });
    // The versions `pair plan` reads, from the deployed add-on and node group.
    expect([recorded.blue.addons, recorded.blue.nodegroups]).toEqual([{ 'kube-proxy': 'v1.34.3-eksbuild.5' }, { General: { version: '1.34', releaseVersion: '1.34.2-20261201' } }]);
    // The assembly's file has other fingerprints: the output says the deployed state is not the synthesized one.
    expect(result.out).toContain('  Blue: deployed payments-blue-1-34 1.34, weight 50, deletion protection on, fingerprint ');
  });

  test('a color stack that does not exist is exit 2 and the state file is untouched', async () => {
    const { assembly, state } = setup();
    cfn.on(GetTemplateCommand, { StackName: 'Payments-Green', TemplateStage: 'Original' }).rejects(error('ValidationError', 'Stack with id Payments-Green does not exist'));
    const result = await runLive('pair', 'record', '--pair', 'Payments', '--from-deployed', '--assembly', assembly, '--state-file', state, '--no-assume-role');
    expect(result.code).toBe(ExitCode.UNUSABLE);
    expect(result.err).toContain('stack Payments-Green: the stack does not exist in this account and region.');
    expect(JSON.parse(fs.readFileSync(state, 'utf8')).pairs).toEqual({});
  });

  test('throttling is retried; AccessDenied names cloudformation:GetTemplate', async () => {
    const { assembly, state } = setup();
    cfn.on(GetTemplateCommand, { StackName: 'Payments-Blue', TemplateStage: 'Original' }).rejectsOnce(error('Throttling', 'Rate exceeded')).resolves({ TemplateBody: JSON.stringify(TEMPLATES['Payments-Blue']) });
    expect((await runLive('pair', 'record', '--pair', 'Payments', '--from-deployed', '--assembly', assembly, '--state-file', state, '--no-assume-role')).code).toBe(ExitCode.OK);
    expect(cfn.commandCalls(GetTemplateCommand)).toHaveLength(4);
    cfn.on(GetTemplateCommand).rejects(error('AccessDenied', 'not allowed'));
    const denied = await runLive('pair', 'record', '--pair', 'Payments', '--from-deployed', '--assembly', assembly, '--state-file', state, '--no-assume-role');
    expect(denied.code).toBe(ExitCode.UNUSABLE);
    expect(denied.err).toContain('AccessDenied: the credentials may not call cloudformation:GetTemplate.');
  });
});
