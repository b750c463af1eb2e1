import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as fc from 'fast-check';
import { SafeCluster, SafeNodegroup, SafeNodegroupOptions } from '../../lib';
import { testStack, testVpc } from '../helpers';

function withNodegroup(options: SafeNodegroupOptions) {
  const stack = testStack();
  const cluster = new SafeCluster(stack, 'Safe', {
    version: eks.KubernetesVersion.V1_34, vpc: testVpc(stack), clusterName: 'safe', defaultCapacity: 0,
  });
  const group = cluster.addNodegroup('Workers', options);
  return { stack, cluster, group, template: () => Template.fromStack(stack) };
}

describe('launch template', () => {
  test('requires IMDSv2 with hop limit 1, detailed monitoring and an encrypted gp3 root volume', () => {
    const { template } = withNodegroup({});
    template().hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        Monitoring: { Enabled: true },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 50, DeleteOnTermination: true } }],
      }),
    });
  });

  test('imdsReachableFromPods opts in to hop limit 2, still IMDSv2 only', () => {
    const { template } = withNodegroup({ imdsReachableFromPods: true });
    template().hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } }),
    });
  });

  test('the node group uses the template at its latest version, in private subnets, with an AL2023 AMI', () => {
    const { template, group, stack } = withNodegroup({});
    const lt = stack.getLogicalId(group.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate);
    template().hasResourceProperties('AWS::EKS::Nodegroup', {
      LaunchTemplate: { Id: { Ref: lt }, Version: { 'Fn::GetAtt': [lt, 'LatestVersionNumber'] } },
      AmiType: 'AL2023_x86_64_STANDARD',
      Subnets: Match.arrayWith([{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet') }]),
      DiskSize: Match.absent(),
      RemoteAccess: Match.absent(),
    });
  });

  test('ARM instance types get the ARM AMI; explicit AMI types keep their root device', () => {
    withNodegroup({ instanceTypes: [new ec2.InstanceType('m7g.large')] }).template()
      .hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: 'AL2023_ARM_64_STANDARD' });
    withNodegroup({ amiType: eks.NodegroupAmiType.BOTTLEROCKET_X86_64 }).template()
      .hasResourceProperties('AWS::EC2::LaunchTemplate', {
        // Bottlerocket also gets its OS volume (/dev/xvda) mapped, so that it is encrypted too (asserted below).
        LaunchTemplateData: Match.objectLike({ BlockDeviceMappings: Match.arrayWith([Match.objectLike({ DeviceName: '/dev/xvdb' })]) }),
      });
  });

  test('diskSize and rootVolumeSizeGiB size the root volume instead of being dropped', () => {
    for (const options of [{ diskSize: 80 }, { rootVolumeSizeGiB: 80 }]) {
      withNodegroup(options).template().hasResourceProperties('AWS::EC2::LaunchTemplate', {
        LaunchTemplateData: Match.objectLike({ BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ VolumeSize: 80 }) })] }),
      });
    }
  });

  test('a SafeNodegroup can be created directly against an imported SafeCluster', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const imported = SafeCluster.fromSafeClusterAttributes(stack, 'Imported', {
      clusterName: 'payments-blue', vpc, nodeSecurityGroupId: 'sg-0a0a0a0a0a0a0a0a0', controlPlaneSecurityGroupId: 'sg-0c0c0c0c0c0c0c0c0',
    });
    new SafeNodegroup(stack, 'Workers', { cluster: imported });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ SecurityGroupIds: ['sg-0a0a0a0a0a0a0a0a0'] }),
    });
    template.hasResourceProperties('AWS::EKS::Nodegroup', { ClusterName: 'payments-blue' });
  });
});

describe('AMI type follows the instance types', () => {
  test.each([
    ['g5.xlarge', 'AL2023_x86_64_NVIDIA'], ['c7g.large', 'AL2023_ARM_64_STANDARD'], ['inf2.xlarge', 'AL2023_x86_64_NEURON'],
    ['g5g.xlarge', 'AL2023_ARM_64_NVIDIA'], ['inf1.xlarge', 'AL2023_x86_64_NEURON'], ['m6i.large', 'AL2023_x86_64_STANDARD'],
  ])('%s synthesizes with %s', (type, amiType) => {
    withNodegroup({ instanceTypes: [new ec2.InstanceType(type)] }).template()
      .hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: amiType, InstanceTypes: [type] });
  });

  test('bottlerocket: true picks the Bottlerocket variant of the architecture and accelerator', () => {
    for (const [type, amiType] of [['m7g.large', 'BOTTLEROCKET_ARM_64'], ['g5.xlarge', 'BOTTLEROCKET_x86_64_NVIDIA'], ['m6i.large', 'BOTTLEROCKET_x86_64']]) {
      withNodegroup({ instanceTypes: [new ec2.InstanceType(type)], bottlerocket: true }).template()
        .hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: amiType });
    }
  });

  test('mixing architectures is refused, naming both types and the fix', () => {
    expect(() => withNodegroup({ instanceTypes: [new ec2.InstanceType('m6i.large'), new ec2.InstanceType('m7g.large')] }))
      .toThrow(/Test\/Safe\/Workers: All instance types of a node group must run the same AMI type.*Got: m6i\.large needs AL2023_x86_64_STANDARD, m7g\.large needs AL2023_ARM_64_STANDARD\. Fix: put m6i\.large and m7g\.large in two node groups/);
    expect(() => withNodegroup({ instanceTypes: [new ec2.InstanceType('m6i.large'), new ec2.InstanceType('g5.xlarge')] }))
      .toThrow(/m6i\.large needs AL2023_x86_64_STANDARD, g5\.xlarge needs AL2023_x86_64_NVIDIA/);
  });

  test('every Bottlerocket volume, OS and data, is encrypted gp3', () => {
    withNodegroup({ bottlerocket: true, rootVolumeSizeGiB: 80 }).template().hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        BlockDeviceMappings: [
          { DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 4, DeleteOnTermination: true } },
          { DeviceName: '/dev/xvdb', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 80, DeleteOnTermination: true } },
        ],
      }),
    });
  });

  test('node rolls honour PodDisruptionBudgets unless the user opts out', () => {
    withNodegroup({}).template().hasResourceProperties('AWS::EKS::Nodegroup', { ForceUpdateEnabled: false });
    withNodegroup({ forceUpdate: true }).template().hasResourceProperties('AWS::EKS::Nodegroup', { ForceUpdateEnabled: true });
  });
});

describe('options that would drop the owned group are refused', () => {
  test('launchTemplateSpec', () => {
    // Not in SafeNodegroupOptions; a JavaScript caller passing eks.NodegroupOptions through is still refused.
    expect(() => withNodegroup({ launchTemplateSpec: { id: 'lt-123', version: '1' } } as unknown as SafeNodegroupOptions))
      .toThrow(/Test\/Safe\/Workers: `launchTemplateSpec` would replace the launch template.*Got: \{"id":"lt-123","version":"1"\}.*Fix: remove `launchTemplateSpec`/);
  });

  test('remoteAccess', () => {
    expect(() => withNodegroup({ remoteAccess: { sshKeyName: 'ops' } } as unknown as SafeNodegroupOptions))
      .toThrow(/`remoteAccess` cannot be combined with a launch template.*Got: \{ sshKeyName: "ops" \}.*SSM Session Manager/);
  });

  test('both diskSize and rootVolumeSizeGiB', () => {
    expect(() => withNodegroup({ diskSize: 20, rootVolumeSizeGiB: 30 })).toThrow(/set only `rootVolumeSizeGiB`/);
  });
});

describe('sizes', () => {
  const size = fc.integer({ min: 0, max: 1000 });

  test('any ordered min <= desired <= max is accepted', () => {
    fc.assert(fc.property(size, size, size, (a, b, c) => {
      const [minSize, desiredSize, maxSize] = [a, b, c].sort((x, y) => x - y);
      fc.pre(maxSize >= 1);
      withNodegroup({ minSize, desiredSize, maxSize }).template().hasResourceProperties('AWS::EKS::Nodegroup', {
        ScalingConfig: { MinSize: minSize, DesiredSize: desiredSize, MaxSize: maxSize },
      });
    }), { numRuns: 8 });
  });

  test('unordered sizes are refused with all three values', () => {
    fc.assert(fc.property(size, size, size, (minSize, desiredSize, maxSize) => {
      fc.pre(maxSize >= 1 && !(minSize <= desiredSize && desiredSize <= maxSize));
      expect(() => withNodegroup({ minSize, desiredSize, maxSize }))
        .toThrow(`Got: minSize=${minSize}, desiredSize=${desiredSize}, maxSize=${maxSize}`);
    }), { numRuns: 30 });
  });

  test('two sizes out of order are refused without the third (aws-cdk-lib would say it with no path or fix)', () => {
    expect(() => withNodegroup({ minSize: 5, maxSize: 2 })).toThrow('Node group sizes must satisfy minSize <= desiredSize <= maxSize. Got: minSize=5, maxSize=2.');
    expect(() => withNodegroup({ desiredSize: 7, maxSize: 6 })).toThrow('Got: desiredSize=7, maxSize=6.');
    expect(() => withNodegroup({ minSize: 3, desiredSize: 2 })).toThrow('Got: minSize=3, desiredSize=2.');
    expect(() => withNodegroup({ minSize: 2, maxSize: 2 })).not.toThrow();
  });

  test('fractional, negative or huge sizes and volume sizes are refused', () => {
    const bad = fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 16385 }), fc.double({ noInteger: true, noNaN: true }));
    fc.assert(fc.property(bad, (n) => {
      expect(() => withNodegroup({ rootVolumeSizeGiB: n })).toThrow(/`rootVolumeSizeGiB` must be a whole number from 1 to 16384/);
      expect(() => withNodegroup({ maxSize: n })).toThrow(/`maxSize` must be a whole number/);
    }), { numRuns: 30 });
  });
});
