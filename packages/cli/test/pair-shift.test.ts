import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExitCode } from '../../../lib/cli/program';
import { runLive } from './support/run';

const ROLE = (kind: string) => `arn:\${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-${kind}-111111111111-\${AWS::Region}`;

/** An assembly with the pair's Traffic stack (Blue 90, Green 10) and Green's stack, and a state where Blue is live. */
function setup(): { assembly: string; state: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-shift-'));
  const stack = (name: string, template: object) => {
    fs.writeFileSync(path.join(dir, `${name}.template.json`), JSON.stringify(template));
    return [name, { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1', properties: {
      templateFile: `${name}.template.json`, assumeRoleArn: ROLE('deploy-role'), cloudFormationExecutionRoleArn: ROLE('cfn-exec-role') } }];
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts: Object.fromEntries([
    stack('Payments-Green', { Resources: { Cluster: { Type: 'AWS::EKS::Cluster', Properties: { Name: 'payments-green-1-35' } } } }),
    stack('Payments-Traffic', { Metadata: { 'cdk-safe-eks:pair-weights': { pair: 'Payments', weights: { Blue: 90, Green: 10 } } }, Resources: { Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener' } } }),
  ]) }));
  const color = (name: string, weight: number) => ({ version: '1.35', weight, clusterName: `payments-${name}-1-35`, fingerprint: 'x', deletionProtection: true });
  const state = path.join(dir, 'state.json');
  fs.writeFileSync(state, JSON.stringify({ formatVersion: 2, pairs: { Payments: { upgradeStrategy: 'REPLACE', blue: color('blue', 100), green: color('green', 0) } } }));
  return { assembly: dir, state };
}


describe('pair shift --dry-run', () => {
  test('prints the request: the Traffic stack, the execution and deploy roles, the five alarms of Green, the weights; calls nothing', async () => {
    const { assembly, state } = setup();
    const result = await runLive('pair', 'shift', '--pair', 'Payments', '--assembly', assembly, '--state-file', state, '--dry-run', '--json', '--bake-minutes', '15');
    expect(result.err).toBe('');
    expect(result.code).toBe(ExitCode.OK);
    const json = JSON.parse(result.out);
    expect(json.StackName).toBe('Payments-Traffic');
    expect(json.RoleARN).toBe('arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1');
    expect(json.DeployRoleArn).toBe('arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-eu-west-1');
    expect(json.RollbackConfiguration).toEqual({
      MonitoringTimeInMinutes: 15,
      RollbackTriggers: ['healthy-hosts', 'unhealthy-hosts', 'target-5xx', 'p99-response-time', 'changes']
        .map((kind) => ({ Arn: `arn:aws:cloudwatch:eu-west-1:111111111111:alarm:cdk-safe-eks-payments-green-1-35-${kind}`, Type: 'AWS::CloudWatch::Alarm' })),
    });
    expect(json.weights).toEqual({ before: { blue: 100, green: 0 }, after: { blue: 90, green: 10 } });
    expect(json.templateSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a bake time over 180 minutes is exit 2', async () => {
    const { assembly, state } = setup();
    const result = await runLive('pair', 'shift', '--pair', 'Payments', '--assembly', assembly, '--state-file', state, '--dry-run', '--bake-minutes', '181');
    expect(result.code).toBe(ExitCode.UNUSABLE);
    expect(result.err).toContain('--bake-minutes: the bake time must be a whole number of minutes from 0 to 180');
  });
});
