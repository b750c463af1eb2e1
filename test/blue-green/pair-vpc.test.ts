import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { CERTIFICATE_ARN, ENV, color, tempDir, tempStateFile } from './pair-app';
import { testApp } from '../helpers';
import { BlueGreenClusterPair, BlueGreenClusterPairProps, DependentDatabase, TrafficShift } from '../../lib';
import { CFN_LINT_EXEMPT } from '../support/shared-validate-global';

const PRIVATE = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'];
const ISOLATED = ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'];

/** A network stack of the user's that imports an existing VPC, and a pair on it. */
function pairOnImportedVpc(attributes: Partial<ec2.VpcAttributes> = {}, props: Partial<BlueGreenClusterPairProps> = {}) {
  const app = new App({ outdir: tempDir(), context: testApp().node.getAllContext() });
  const network = new Stack(app, 'Network', { env: ENV });
  // The user's stack holds only the import here: a test scaffold with no resources, never deployed.
  network.templateOptions.metadata = { [CFN_LINT_EXEMPT]: 'imports only; a stack with no resources is not deployed' };
  const vpc = ec2.Vpc.fromVpcAttributes(network, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0', vpcCidrBlock: '10.60.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: PRIVATE, isolatedSubnetIds: ISOLATED, ...attributes,
  });
  const pair = new BlueGreenClusterPair(app, 'Payments', {
    env: ENV, vpc, stateFile: tempStateFile(), trafficShift: TrafficShift.albWeighted({ certificateArn: CERTIFICATE_ARN }),
    blue: color(eks.KubernetesVersion.V1_33, 100), green: color(eks.KubernetesVersion.V1_34, 0), ...props,
  });
  return { app, pair };
}

describe('BlueGreenClusterPair on an existing VPC', () => {
  test('Shared creates no VPC and exports the given one; colors run in its private subnets; stores in its isolated ones', () => {
    const { app, pair } = pairOnImportedVpc();
    pair.addDataStore(new DependentDatabase(pair.sharedStack, 'Database', { vpc: pair.vpc }));
    // Synthesis runs the guard, whose proof of each color's flows (database, load balancer) must pass.
    app.synth();
    const shared = Template.fromStack(pair.sharedStack);
    shared.resourceCountIs('AWS::EC2::VPC', 0);
    shared.hasOutput('VpcId', { Value: 'vpc-0123456789abcdef0' });
    shared.hasOutput('PrivateSubnet2Id', { Value: PRIVATE[1] });
    // The imported VPC gave no route tables: none are exported, none imported.
    expect(Object.keys(shared.findOutputs('*')).filter((id) => id.includes('RouteTable'))).toEqual([]);
    shared.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: ISOLATED });
    shared.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Subnets: PRIVATE });
    Template.fromStack(pair.blueStack).hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: { SubnetIds: [{ 'Fn::ImportValue': 'Payments-Shared-PrivateSubnet1Id' }, { 'Fn::ImportValue': 'Payments-Shared-PrivateSubnet2Id' }] },
    });
    // Each color's path-MTU rule names the VPC's own block, read from the import.
    Template.fromStack(pair.greenStack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ IpProtocol: 'icmp', CidrIp: '10.60.0.0/16' })]),
    });
  });

  test('an existing VPC is refused when it cannot carry the pair, naming what is missing', () => {
    const refused = (attributes: Partial<ec2.VpcAttributes>, props: Partial<BlueGreenClusterPairProps> = {}) => {
      try {
        pairOnImportedVpc(attributes, props);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(refused({ privateSubnetIds: [PRIVATE[0]], availabilityZones: ['eu-west-1a'], isolatedSubnetIds: [ISOLATED[0]] }))
      .toMatch(/^Payments: `vpc` needs private subnets \(with a route to the internet\) in at least two zones for the nodes: EKS asks for two\. Got: 1 private subnet\(s\)\./);
    expect(refused({}, { availabilityZones: ['eu-west-1a', 'eu-west-1b'] })).toMatch(/`availabilityZones` and `vpc` both name the zones/);
    expect(refused({}, { vpcCidr: '10.61.0.0/16' })).toMatch(/`vpcCidr` differs from the block of `vpc`, 10\.60\.0\.0\/16\. Got: "10\.61\.0\.0\/16"/);
    expect(refused({}, { trafficShift: TrafficShift.albWeighted({ certificateArn: CERTIFICATE_ARN, internetFacing: true }) }))
      .toMatch(/an internet-facing load balancer needs public subnets, and `vpc` has none/);
  });

  test('a VPC whose block is a token needs vpcCidr; with it, the colors name that block', () => {
    const app = new App({ outdir: tempDir(), context: testApp().node.getAllContext() });
    const network = new Stack(app, 'Network', { env: ENV });
    const vpc = new ec2.Vpc(network, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.70.0.0/16'), availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 1,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    const props = { env: ENV, vpc, stateFile: tempStateFile(), trafficShift: TrafficShift.albWeighted({ certificateArn: CERTIFICATE_ARN }), blue: color(eks.KubernetesVersion.V1_33, 100) };
    expect(() => new BlueGreenClusterPair(app, 'Payments', props)).toThrow(/the CIDR block of `vpc` is not known at synth.*Fix: give it as `vpcCidr`/);
    const pair = new BlueGreenClusterPair(app, 'Pair2', { ...props, vpcCidr: '10.70.0.0/16' });
    app.synth();
    Template.fromStack(pair.blueStack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ IpProtocol: 'icmp', CidrIp: '10.70.0.0/16' })]),
    });
    Template.fromStack(pair.sharedStack).hasOutput('VpcId', { Value: { 'Fn::ImportValue': Match.stringLikeRegexp('^Network:ExportsOutputRefVpc') } });
  });
});
