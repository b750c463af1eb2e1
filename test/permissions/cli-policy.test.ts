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

  test('an empty list of commands is refused, naming the prop', () => {
    expect(() => new CliPolicy(stack(), 'Cli', { commands: [] })).toThrow('Ci/Cli: `commands` must have at least 1 element(s). Got: an array of 0. Fix: pass `commands` with at least 1 element(s), or leave it unset for the default');
  });
});
