import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CliCommand, CliPolicy } from '../../lib';

const READS = [
  'ec2:DescribeSecurityGroupRules', 'eks:DescribeAddon', 'eks:DescribeCluster', 'eks:DescribeNodegroup', 'eks:ListAddons', 'eks:ListInsights',
  'eks:ListNodegroups', 'elasticloadbalancing:DescribeTargetHealth',
];

function stack(): Stack {
  return new Stack(new App(), 'Ci', { env: { account: '111111111111', region: 'eu-west-1' } });
}

describe('CliPolicy', () => {
  test('by default allows every command\'s calls: reads on *, CloudFormation on every stack', () => {
    const s = stack();
    new CliPolicy(s, 'Cli');
    Template.fromStack(s).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          { Sid: 'ReadTheDeployedAccount', Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms', ...READS], Resource: '*' },
          { Sid: 'TheAssemblysStacks', Effect: 'Allow', Action: [
            'cloudformation:CreateChangeSet', 'cloudformation:DeleteChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:DescribeStackEvents',
            'cloudformation:DescribeStacks', 'cloudformation:ExecuteChangeSet', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources',
            'cloudformation:SetStackPolicy'], Resource: '*' },
          {
            Sid: 'PassTheExecutionRole', Effect: 'Allow', Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/cdk-*-cfn-exec-role-111111111111-eu-west-1']] },
          },
        ],
      },
    });
  });

  test('verify --live alone, on named stacks, attached to a CI role: no alarms, no SetStackPolicy', () => {
    const s = stack();
    const role = new iam.Role(s, 'CiRole', { assumedBy: new iam.AccountPrincipal('111111111111') });
    new CliPolicy(s, 'Cli', { commands: [CliCommand.VERIFY_LIVE], stackNames: ['Payments-Blue'], roles: [role] });
    Template.fromStack(s).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('CiRole') }],
      PolicyDocument: {
        Statement: [
          { Sid: 'ReadTheDeployedAccount', Effect: 'Allow', Action: READS, Resource: '*' },
          {
            Sid: 'TheAssemblysStacks', Effect: 'Allow', Action: ['cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudformation:eu-west-1:111111111111:stack/Payments-Blue/*']] },
          },
        ],
      },
    });
  });

  test('lock alone allows SetStackPolicy and nothing else', () => {
    expect(CliCommand.LOCK.actions).toEqual(['cloudformation:SetStackPolicy']);
    const s = stack();
    new CliPolicy(s, 'Cli', { commands: [CliCommand.LOCK] });
    Template.fromStack(s).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Sid: 'TheAssemblysStacks', Effect: 'Allow', Action: 'cloudformation:SetStackPolicy', Resource: '*' }] },
    });
  });

  test('pair shift passes only the execution roles named, to CloudFormation only', () => {
    const s = stack();
    const exec = 'arn:aws:iam::111111111111:role/cdk-ops-cfn-exec-role-111111111111-eu-west-1';
    new CliPolicy(s, 'Cli', { commands: [CliCommand.PAIR_SHIFT], stackNames: ['Payments-Traffic'], executionRoleArns: [exec] });
    const statements = Object.values(Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument.Statement as Array<{ Sid: string }>;
    expect(statements.map((st) => st.Sid)).toEqual(['ReadTheDeployedAccount', 'TheAssemblysStacks', 'PassTheExecutionRole']);
    expect(statements[2]).toEqual({
      Sid: 'PassTheExecutionRole', Effect: 'Allow', Action: 'iam:PassRole', Resource: exec,
      Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    });
  });

  test('executionRoleArns without pair shift is refused rather than ignored', () => {
    expect(() => new CliPolicy(stack(), 'Cli', { commands: [CliCommand.VERIFY_LIVE], executionRoleArns: ['arn:aws:iam::111111111111:role/x'] }))
      .toThrow('Ci/Cli: `executionRoleArns` is set, but no command of `commands` passes a role (only `pair shift` does). Got: arn:aws:iam::111111111111:role/x. '
        + 'Fix: add CliCommand.PAIR_SHIFT to `commands`, or leave `executionRoleArns` unset');
  });

  test('docs/live.md lists every action of every command in its row of the permissions table', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'live.md'), 'utf8').split('## Permissions')[1];
    for (const command of CliCommand.all()) {
      const row = doc.split('\n').find((line) => line.startsWith('| ') && line.split('|')[1].includes(`\`${command.command}\``));
      expect(row).toBeDefined();
      const reads = command.command === 'pair check' || command.command === 'pair shift';
      for (const action of command.actions) {
        // Rows of pair check and pair shift start from the rows above them.
        if (reads && CliCommand.LIVE_SNAPSHOT.actions.includes(action)) continue;
        if (command.command === 'pair shift' && CliCommand.PAIR_CHECK.actions.includes(action)) continue;
        expect([row, action]).toEqual([expect.stringMatching(new RegExp(action.replace(/^[^:]+:/, '(\\w+:)?'))), action]);
      }
    }
  });

  test('an empty list of commands is refused, naming the prop', () => {
    expect(() => new CliPolicy(stack(), 'Cli', { commands: [] })).toThrow('Ci/Cli: `commands` must have at least 1 element(s). Got: an array of 0. Fix: pass `commands` with at least 1 element(s), or leave it unset for the default');
  });
});
