import { IResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';

// Its own file so that SafeNodegroup can take any cluster without importing SafeCluster (no import cycle).

/** A cluster whose nodes and control plane talk only through security groups the stack owns. */
export interface ISafeCluster extends IResource, ec2.IConnectable {
  /**
   * The name of the cluster.
   * @attribute
   */
  readonly clusterName: string;
  /**
   * The ARN of the cluster.
   * @attribute
   */
  readonly clusterArn: string;
  /** The underlying aws-eks-v2 cluster. */
  readonly cluster: eks.ICluster;
  /** The VPC the cluster and its nodes are in. */
  readonly vpc: ec2.IVpc;
  /** Owned security group of the nodes: the only group on every node and the source data stores trust. */
  readonly nodeSecurityGroup: ec2.ISecurityGroup;
  /** Owned security group given to the control plane as its additional group. */
  readonly controlPlaneSecurityGroup: ec2.ISecurityGroup;
}
