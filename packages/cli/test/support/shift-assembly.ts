import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROLE = (kind: string) => `arn:\${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-${kind}-111111111111-\${AWS::Region}`;
/** The pair's Traffic stack as synthesized: Blue 90, Green 10. */
export const SHIFTED_TRAFFIC = { Metadata: { 'cdk-safe-eks:pair-weights': { pair: 'Payments', weights: { Blue: 90, Green: 10 } } }, Resources: { Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener' } } };

/**
 * An assembly of pair Payments' Green stack (`green`) and its Traffic stack (`SHIFTED_TRAFFIC`), each with the
 * deploy and execution roles of the default bootstrap, and a state file where Blue serves all traffic.
 */
export function shiftAssembly(green: object): { assembly: string; state: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-shift-'));
  const stack = (name: string, template: object) => {
    fs.writeFileSync(path.join(dir, `${name}.template.json`), JSON.stringify(template));
    return [name, { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1', properties: {
      templateFile: `${name}.template.json`, assumeRoleArn: ROLE('deploy-role'), cloudFormationExecutionRoleArn: ROLE('cfn-exec-role') } }];
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts: Object.fromEntries([stack('Payments-Green', green), stack('Payments-Traffic', SHIFTED_TRAFFIC)]) }));
  const color = (name: string, weight: number) => ({ version: '1.35', weight, clusterName: `payments-${name}-1-35`, fingerprint: 'x', deletionProtection: true });
  const state = path.join(dir, 'state.json');
  fs.writeFileSync(state, `${JSON.stringify({ formatVersion: 2, pairs: { Payments: { account: '111111111111', region: 'eu-west-1', upgradeStrategy: 'REPLACE', blue: color('blue', 100), green: color('green', 0) } } }, null, 2)}\n`);
  return { assembly: dir, state };
}
