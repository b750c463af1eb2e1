import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { SafeVpc } from '../../lib';
import { testApp, testStack } from '../helpers';

function vpcTemplate(props: ConstructorParameters<typeof SafeVpc>[2] = {}, stack: Stack = testStack()) {
  const vpc = new SafeVpc(stack, 'Vpc', { availabilityZones: stack.availabilityZones, ...props });
  return { vpc, stack, template: Template.fromStack(stack) };
}

const GRANT_DENY = Match.objectLike({
  Effect: 'Deny', Action: 'kms:CreateGrant', Principal: { AWS: '*' }, Resource: '*',
  Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
});

describe('SafeVpc', () => {
  test('public subnets do not assign public IPs by default; an explicit choice is kept', () => {
    const { template } = vpcTemplate();
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    const explicit = vpcTemplate({ subnetConfiguration: [{ name: 'Edge', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: true }] });
    explicit.template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true });
  });

  test('flow logs of all traffic go to a log group encrypted with a new key that only CloudWatch Logs of this account may use', () => {
    const { template, stack } = vpcTemplate();
    const keys = template.findResources('AWS::KMS::Key');
    const [keyId] = Object.keys(keys);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, RetentionInDays: 365 });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs', ResourceType: 'VPC' });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([GRANT_DENY, Match.objectLike({
        Principal: { Service: `logs.${stack.region}.amazonaws.com` },
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
      })]) },
    });
  });

  test('a key passed in is used as is, and no key is created', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'Mine');
    const { template } = vpcTemplate({ flowLogEncryptionKey: key }, stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] } });
  });

  test('the default security group is emptied by an SSM association, without Lambda or inline policies', () => {
    const { template, vpc, stack } = vpcTemplate();
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 0);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const vpcId = stack.getLogicalId(vpc.node.defaultChild as ec2.CfnVPC);
    template.hasResourceProperties('AWS::SSM::Association', {
      Name: 'AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules',
      ScheduleExpression: 'rate(1 day)',
      Parameters: { GroupId: [{ 'Fn::GetAtt': [vpcId, 'DefaultSecurityGroup'] }], AutomationAssumeRole: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('CloseDefaultSecurityGroupRole'), 'Arn'] }] },
      // The VPC's Name tag does not reach it: cfn-lint's schema of the type has no Tags (E3002).
      Tags: Match.absent(),
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'] })]) },
    });
  });

  test('restrictDefaultSecurityGroup: true is honoured: aws-cdk-lib\'s custom resource instead of the association', () => {
    const { template } = vpcTemplate({ restrictDefaultSecurityGroup: true });
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    template.resourceCountIs('AWS::SSM::Association', 0);
  });

  test.each([
    ['with a concrete env', () => testStack()],
    ['env-agnostic', () => new (class extends Stack { get availabilityZones() { return ['a', 'b']; } })(testApp(), 'Agnostic')],
  ])('passes AwsSolutions, HIPAA, NIST 800-53 R5 and PCI DSS 3.2.1 %s, with reasoned acknowledgements only', (_, makeStack) => {
    const stack = makeStack();
    new SafeVpc(stack, 'Vpc', { availabilityZones: stack.availabilityZones, natGateways: 1 });
    const app = stack.node.root as App;
    for (const pack of [new AwsSolutionsChecks(app), new HIPAASecurityChecks(app), new NIST80053R5Checks(app), new PCIDSS321Checks(app)]) {
      expect(pack.validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
    }
  });
});
