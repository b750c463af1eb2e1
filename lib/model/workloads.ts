/** What runs on a cluster's network interfaces, and so which required flows apply to it. */
export enum WorkloadKind {
  /** Managed node groups and self-managed Auto Scaling groups (and the owned node group a `SafeCluster` records). */
  NODES = 'nodes',
  /** EKS Auto Mode nodes (`ComputeConfig.Enabled`): they carry the EKS-created group. */
  AUTO_MODE_NODES = 'auto-mode-nodes',
  /** Pods of a Fargate profile: they carry the EKS-created group. */
  FARGATE_PODS = 'fargate-pods',
  /** A Lambda function in the VPC that calls the Kubernetes API (a kubectl handler or another client). */
  VPC_LAMBDA = 'vpc-lambda',
}
