import { FlowRole } from './required-flows';

/** Every CloudFormation resource type the library reads, in one list. */
export const ResourceType = {
  EKS_CLUSTER: 'AWS::EKS::Cluster',
  /** aws-eks (v1) creates clusters through this custom resource. */
  EKS_CLUSTER_V1: 'Custom::AWSCDK-EKS-Cluster',
  EKS_NODEGROUP: 'AWS::EKS::Nodegroup',
  EKS_FARGATE_PROFILE: 'AWS::EKS::FargateProfile',
  /** aws-eks (v1) creates Fargate profiles through this custom resource. */
  EKS_FARGATE_PROFILE_V1: 'Custom::AWSCDK-EKS-FargateProfile',
  AUTO_SCALING_GROUP: 'AWS::AutoScaling::AutoScalingGroup',
  LAUNCH_CONFIGURATION: 'AWS::AutoScaling::LaunchConfiguration',
  LAUNCH_TEMPLATE: 'AWS::EC2::LaunchTemplate',
  VPC: 'AWS::EC2::VPC',
  SECURITY_GROUP: 'AWS::EC2::SecurityGroup',
  SECURITY_GROUP_INGRESS: 'AWS::EC2::SecurityGroupIngress',
  SECURITY_GROUP_EGRESS: 'AWS::EC2::SecurityGroupEgress',
  NESTED_STACK: 'AWS::CloudFormation::Stack',
  LAMBDA_FUNCTION: 'AWS::Lambda::Function',
  DB_CLUSTER: 'AWS::RDS::DBCluster',
  DB_INSTANCE: 'AWS::RDS::DBInstance',
  CACHE_REPLICATION_GROUP: 'AWS::ElastiCache::ReplicationGroup',
  CACHE_CLUSTER: 'AWS::ElastiCache::CacheCluster',
  SERVERLESS_CACHE: 'AWS::ElastiCache::ServerlessCache',
  LOAD_BALANCER_V2: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  LOAD_BALANCER_CLASSIC: 'AWS::ElasticLoadBalancing::LoadBalancer',
} as const;

const T = ResourceType;

/** Both shapes of an EKS cluster; both expose the EKS-created group as `Fn::GetAtt <cluster>.ClusterSecurityGroupId`. */
export const EKS_CLUSTER_TYPES: ReadonlySet<string> = new Set([T.EKS_CLUSTER, T.EKS_CLUSTER_V1]);
/** Both shapes of a Fargate profile. */
export const FARGATE_PROFILE_TYPES: ReadonlySet<string> = new Set([T.EKS_FARGATE_PROFILE, T.EKS_FARGATE_PROFILE_V1]);
/** Resources that write security-group rules. */
export const SECURITY_GROUP_RULE_TYPES: ReadonlySet<string> = new Set([T.SECURITY_GROUP, T.SECURITY_GROUP_INGRESS, T.SECURITY_GROUP_EGRESS]);
export const LOAD_BALANCER_TYPES: ReadonlySet<string> = new Set([T.LOAD_BALANCER_V2, T.LOAD_BALANCER_CLASSIC]);

/** Data-store resource types, their role and the property that lists their VPC security groups. */
export const DATA_STORES: { readonly [type: string]: { readonly role: FlowRole; readonly property: string } } = {
  [T.DB_CLUSTER]: { role: FlowRole.DATABASE, property: 'VpcSecurityGroupIds' },
  [T.DB_INSTANCE]: { role: FlowRole.DATABASE, property: 'VPCSecurityGroups' },
  [T.CACHE_REPLICATION_GROUP]: { role: FlowRole.CACHE, property: 'SecurityGroupIds' },
  [T.CACHE_CLUSTER]: { role: FlowRole.CACHE, property: 'VpcSecurityGroupIds' },
  [T.SERVERLESS_CACHE]: { role: FlowRole.CACHE, property: 'SecurityGroupIds' },
};

/**
 * Every resource type the flow model reads (the VPC for its CIDR); anything else that carries groups
 * gets a warning. The synth-time check renders only these.
 */
export const MODELLED_TYPES: ReadonlySet<string> = new Set(Object.values(ResourceType));
