/**
 * The offline, deterministic environment the tests, the benches and their fixtures synthesize in (literal
 * account, region and zones: no lookups). Lives in bench/ so that bench/ imports nothing from test/.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** An app that synthesizes offline and deterministically, as CI runs it. */
export function testApp(): App {
  return new App({
    context: {
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
      '@aws-cdk/aws-eks:defaultToAL2023': true,
    },
  });
}

/** A stack with a literal environment and literal availability zones: no lookups. */
export class TestStack extends Stack {
  public get availabilityZones(): string[] {
    return ['eu-west-1a', 'eu-west-1b'];
  }
}

export function testStack(app: App = testApp(), id = 'Test'): TestStack {
  return new TestStack(app, id, { env: { account: '111111111111', region: 'eu-west-1' } });
}

/** A VPC with public, private-with-egress and isolated subnets in two zones. */
export function testVpc(stack: Stack, id = 'Vpc'): ec2.Vpc {
  const vpc = new ec2.Vpc(stack, id, {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    availabilityZones: stack.availabilityZones,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  Validations.of(vpc).acknowledge({
    id: 'CloudFormation-Validate::W3010',
    reason: 'Tests and benches pin availability zones so that synthesis never looks them up in an account.',
  });
  return vpc;
}
