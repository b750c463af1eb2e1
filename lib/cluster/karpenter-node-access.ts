import { Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeEksManagedPolicies } from '../private/acknowledgements';
import { checkProps, requireScope } from '../private/guards';

/**
 * Tag key that marks the owned node group for Karpenter's `securityGroupSelectorTerms`. EKS tags the
 * group it creates with `kubernetes.io/cluster/<name>` and `aws:eks:cluster-name`, never with this key,
 * and `SafeCluster` refuses it among the cluster's tags (EKS would copy those to its group).
 */
export const KARPENTER_DISCOVERY_TAG = 'cdk-safe-eks.io/karpenter-discovery';

/** Properties of `KarpenterNodeAccess`. */
export interface KarpenterNodeAccessProps {
  /** The cluster Karpenter's nodes join. */
  readonly cluster: eks.ICluster;
  /** Name of the cluster: the value of the discovery tag. */
  readonly clusterName: string;
  /** The owned node group, the only group Karpenter's nodes may carry; it gets the discovery tag. */
  readonly nodeSecurityGroup: ec2.ISecurityGroup;
}

const KARPENTER_NODE_POLICIES = [
  'AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore',
];

/**
 * What Karpenter needs from a `SafeCluster` (create it with `SafeCluster.enableKarpenter()`): the node
 * role its EC2NodeClass names, admitted to the cluster by an `EC2_LINUX` access entry, and the discovery
 * tag on the owned node group, so nodes Karpenter launches carry that group and no rule of the
 * EKS-created group. Karpenter's controller (its Helm chart and Pod Identity role) stays yours to install.
 */
export class KarpenterNodeAccess extends Construct {
  /** Role of the nodes Karpenter launches: `spec.role` of the EC2NodeClass. */
  public readonly nodeRole: iam.IRole;
  /** The access entry of type `EC2_LINUX` that lets those nodes join. */
  public readonly accessEntry: eks.AccessEntry;
  /** Key of the discovery tag on the owned node group. */
  public readonly discoveryTagKey: string;
  /** Value of the discovery tag (the cluster name). */
  public readonly discoveryTagValue: string;

  constructor(scope: Construct, id: string, props: KarpenterNodeAccessProps) {
    super(requireScope('KarpenterNodeAccess', scope, id), id);
    checkProps(this, 'props', props, {
      cluster: { type: 'object', name: 'eks.ICluster', required: true, members: ['clusterName', 'node'] },
      clusterName: { type: 'string', required: true },
      nodeSecurityGroup: { type: 'object', name: 'ec2.ISecurityGroup', required: true, members: ['securityGroupId', 'node'] },
    });
    this.nodeRole = new iam.Role(this, 'NodeRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Nodes Karpenter launches into EKS cluster ${props.clusterName}`,
      managedPolicies: KARPENTER_NODE_POLICIES.map((p) => iam.ManagedPolicy.fromAwsManagedPolicyName(p)),
    });
    acknowledgeEksManagedPolicies(this.nodeRole, KARPENTER_NODE_POLICIES,
      'These are the policies the Karpenter getting-started guide gives the node role (kubelet, VPC CNI, image pulls, SSM access instead of SSH).');
    // Node roles take no access policies: EC2_LINUX maps them to system:nodes.
    this.accessEntry = new eks.AccessEntry(this, 'AccessEntry', {
      cluster: props.cluster,
      principal: this.nodeRole.roleArn,
      accessEntryType: eks.AccessEntryType.EC2_LINUX,
      accessPolicies: [],
    });
    this.discoveryTagKey = KARPENTER_DISCOVERY_TAG;
    this.discoveryTagValue = props.clusterName;
    Tags.of(props.nodeSecurityGroup).add(KARPENTER_DISCOVERY_TAG, props.clusterName);
  }
}
