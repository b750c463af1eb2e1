import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assemblyStacks, partitionOf, substituteRole } from '../src/assembly-stacks';

describe('the roles of the assembly, as cdk deploy assumes them', () => {
  test('each stack, in a stage too, with its CloudFormation name, environment, deploy and lookup role', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-roles-'));
    fs.mkdirSync(path.join(dir, 'assembly-Prod'));
    const stack = (name: string) => ({
      type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1',
      properties: {
        templateFile: `${name}.template.json`, stackName: name,
        assumeRoleArn: 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-eu-west-1',
        lookupRole: { arn: 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-lookup-role-111111111111-eu-west-1' },
      },
    });
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
      artifacts: { 'Payments-Shared': stack('Payments-Shared'), 'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } } },
    }));
    fs.writeFileSync(path.join(dir, 'assembly-Prod', 'manifest.json'), JSON.stringify({
      artifacts: { ProdPaymentsBlue: { ...stack('Prod-Payments-Blue'), environment: 'aws://unknown-account/unknown-region' } },
    }));
    expect(assemblyStacks(dir).map(({ id, stackName, account, region, deployRoleArn }) => ({ id, stackName, account, region, deployRoleArn }))).toEqual([
      { id: 'Payments-Shared', stackName: 'Payments-Shared', account: '111111111111', region: 'eu-west-1', deployRoleArn: 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-eu-west-1' },
      { id: 'assembly-Prod/ProdPaymentsBlue', stackName: 'Prod-Payments-Blue', account: undefined, region: undefined, deployRoleArn: 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-eu-west-1' },
    ]);
  });

  test('placeholders are filled in, partition from the region', () => {
    const where = { account: '222222222222', region: 'cn-north-1', partition: partitionOf('cn-north-1') };
    expect(substituteRole('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-lookup-role-${AWS::AccountId}-${AWS::Region}', where))
      .toBe('arn:aws-cn:iam::222222222222:role/cdk-hnb659fds-lookup-role-222222222222-cn-north-1');
    expect([partitionOf('us-gov-west-1'), partitionOf('eu-west-1')]).toEqual(['aws-us-gov', 'aws']);
  });
});
