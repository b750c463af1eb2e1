import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import type { ISafeCluster } from './i-safe-cluster';
import { acknowledgeEksManagedPolicies } from '../private/acknowledgements';
import { SafeEksError, show } from '../private/errors';
import { requireIntegerInRange } from '../private/validate';

/** Options for a managed node group whose nodes carry only the cluster's owned node security group. */
export interface SafeNodegroupOptions extends eks.NodegroupOptions {
  /**
   * Size of the encrypted gp3 root volume, in GiB. `diskSize` is accepted as an alias, as in
   * `eks.NodegroupOptions`; set one of them.
   *
   * @default 50
   */
  readonly rootVolumeSizeGiB?: number;
}

/** Properties of a `SafeNodegroup`. */
export interface SafeNodegroupProps extends SafeNodegroupOptions {
  /** The cluster the node group joins; its `nodeSecurityGroup` becomes the nodes' only security group. */
  readonly cluster: ISafeCluster;
}

const DEFAULT_ROOT_VOLUME_GIB = 50;
const MAX_ROOT_VOLUME_GIB = 16384;
// Managed node groups accept at most this many nodes per group (EKS service quota, adjustable by AWS).
const MAX_NODEGROUP_SIZE = 1000;

/**
 * A managed node group with a launch template that sets the owned node security group as the
 * nodes' only group. Because the template names a group, EKS does not attach its own cluster
 * security group (EKS user guide, launch-templates: "Amazon EKS doesn't add the cluster security
 * group"), so no node flow can depend on it. The template also requires IMDSv2 (hop limit 2, so
 * pods can still reach it through the node) and an encrypted gp3 root volume.
 */
export class SafeNodegroup extends Construct {
  /** The managed node group. */
  public readonly nodegroup: eks.Nodegroup;
  /** The launch template the nodes start from; it owns the nodes' security group list. */
  public readonly launchTemplate: ec2.LaunchTemplate;

  constructor(scope: Construct, id: string, props: SafeNodegroupProps) {
    super(scope, id);
    validateOptions(this, props);
    const { cluster, rootVolumeSizeGiB, diskSize, ...nodegroupOptions } = props;
    const amiType = props.amiType ?? defaultAmiType(props.instanceTypes);

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      securityGroup: cluster.nodeSecurityGroup,
      requireImdsv2: true,
      httpPutResponseHopLimit: 2,
      blockDevices: [{
        deviceName: rootDeviceName(amiType),
        volume: ec2.BlockDeviceVolume.ebs(rootVolumeSizeGiB ?? diskSize ?? DEFAULT_ROOT_VOLUME_GIB, {
          encrypted: true,
          volumeType: ec2.EbsDeviceVolumeType.GP3,
          deleteOnTermination: true,
        }),
      }],
    });

    this.nodegroup = new eks.Nodegroup(this, 'Resource', {
      ...nodegroupOptions,
      cluster: cluster.cluster,
      amiType,
      subnets: props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplateSpec: {
        id: this.launchTemplate.launchTemplateId!,
        version: this.launchTemplate.latestVersionNumber,
      },
    });
    acknowledgeEksManagedPolicies(this.nodegroup.role,
      ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'],
      'These are the policies EKS documents for the node IAM role of a managed node group; AWS keeps them in step with what kubelet, the VPC CNI and image pulls call.');
  }
}

function validateOptions(scope: Construct, props: SafeNodegroupProps): void {
  if (props.launchTemplateSpec !== undefined) {
    throw new SafeEksError(scope, 'NodegroupLaunchTemplate',
      '`launchTemplateSpec` would replace the launch template that puts the owned node security group on the nodes; '
      + 'a template without it leaves nodes on the EKS-created cluster security group, the group whose lost rule took every node NotReady.',
      show(props.launchTemplateSpec), 'remove `launchTemplateSpec`; SafeNodegroup creates the template (IMDSv2, encrypted gp3, owned node security group)');
  }
  if (props.remoteAccess !== undefined) {
    throw new SafeEksError(scope, 'NodegroupRemoteAccess',
      '`remoteAccess` cannot be combined with a launch template, so EKS would attach its own security groups to the nodes instead of the owned node security group.',
      `{ sshKeyName: ${show(props.remoteAccess.sshKeyName)} }`, 'remove `remoteAccess` and reach nodes with SSM Session Manager');
  }
  if (props.rootVolumeSizeGiB !== undefined && props.diskSize !== undefined) {
    throw new SafeEksError(scope, 'NodegroupDiskSize',
      '`rootVolumeSizeGiB` and `diskSize` both set the root volume size.',
      `rootVolumeSizeGiB=${show(props.rootVolumeSizeGiB)}, diskSize=${show(props.diskSize)}`, 'set only `rootVolumeSizeGiB`');
  }
  requireIntegerInRange(scope, 'rootVolumeSizeGiB', props.rootVolumeSizeGiB, 1, MAX_ROOT_VOLUME_GIB);
  requireIntegerInRange(scope, 'diskSize', props.diskSize, 1, MAX_ROOT_VOLUME_GIB);
  requireIntegerInRange(scope, 'minSize', props.minSize, 0, MAX_NODEGROUP_SIZE);
  requireIntegerInRange(scope, 'maxSize', props.maxSize, 1, MAX_NODEGROUP_SIZE);
  requireIntegerInRange(scope, 'desiredSize', props.desiredSize, 0, MAX_NODEGROUP_SIZE);
  validateSizeOrder(scope, props);
}

function validateSizeOrder(scope: Construct, props: SafeNodegroupProps): void {
  const sizes = [props.minSize, props.desiredSize, props.maxSize];
  if (sizes.some((s) => s === undefined || Token.isUnresolved(s))) return;
  const [min, desired, max] = sizes as number[];
  if (!(min <= desired && desired <= max)) {
    throw new SafeEksError(scope, 'NodegroupSizeOrder',
      'Node group sizes must satisfy minSize <= desiredSize <= maxSize.',
      `minSize=${min}, desiredSize=${desired}, maxSize=${max}`, 'reorder the sizes so that minSize <= desiredSize <= maxSize');
  }
}

function defaultAmiType(instanceTypes: ec2.InstanceType[] | undefined): eks.NodegroupAmiType {
  const arm = instanceTypes !== undefined && instanceTypes.length > 0
    && instanceTypes.every((t) => t.architecture === ec2.InstanceArchitecture.ARM_64);
  return arm ? eks.NodegroupAmiType.AL2023_ARM_64_STANDARD : eks.NodegroupAmiType.AL2023_X86_64_STANDARD;
}

// Bottlerocket keeps the OS on /dev/xvda and container data on /dev/xvdb; Windows boots from /dev/sda1.
function rootDeviceName(amiType: eks.NodegroupAmiType): string {
  if (amiType.startsWith('BOTTLEROCKET')) return '/dev/xvdb';
  if (amiType.startsWith('WINDOWS')) return '/dev/sda1';
  return '/dev/xvda';
}

