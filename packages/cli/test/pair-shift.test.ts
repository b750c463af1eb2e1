import { ExitCode } from '../../../lib/cli/program';
import { runLive } from './support/run';
import { shiftAssembly } from './support/shift-assembly';

/** Green's stack holds its cluster only: the dry run reads no target group. */
const setup = () => shiftAssembly({ Resources: { Cluster: { Type: 'AWS::EKS::Cluster', Properties: { Name: 'payments-green-1-35' } } } });

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
