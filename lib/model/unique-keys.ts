/**
 * Resource types that AWS allows once per key: a second resource with the same key fails to create.
 * CloudFormation creates a replacement (or a resource under a new logical ID) before it deletes the old
 * one, so a change that keeps the key and changes the resource fails the deploy half-way. Data, read by
 * the change-safety diff; each entry names the properties that make the key and what refuses a second.
 */
export interface UniqueKey {
  /** Top-level properties whose values together are the key; a resource without all of them has no key. */
  readonly properties: readonly string[];
  /** What allows one, as the refusal reads. */
  readonly rule: string;
}

export const UNIQUE_KEYS: { readonly [type: string]: UniqueKey } = {
  'AWS::EKS::AccessEntry': { properties: ['ClusterName', 'PrincipalArn'], rule: 'EKS allows one access entry per principal and cluster (ResourceInUseException)' },
  'AWS::EKS::PodIdentityAssociation': { properties: ['ClusterName', 'Namespace', 'ServiceAccount'], rule: 'EKS allows one pod identity association per service account (ResourceInUseException)' },
  'AWS::EKS::Addon': { properties: ['ClusterName', 'AddonName'], rule: 'EKS allows one add-on of a name per cluster (ResourceInUseException)' },
  'AWS::EKS::Nodegroup': { properties: ['ClusterName', 'NodegroupName'], rule: 'EKS allows one node group of a name per cluster (ResourceInUseException)' },
  'AWS::EKS::FargateProfile': { properties: ['ClusterName', 'FargateProfileName'], rule: 'EKS allows one Fargate profile of a name per cluster (ResourceInUseException)' },
  'AWS::EKS::Cluster': { properties: ['Name'], rule: 'EKS allows one cluster of a name per account and region (ResourceInUseException)' },
  'AWS::EC2::SecurityGroup': { properties: ['VpcId', 'GroupName'], rule: 'EC2 allows one security group of a name per VPC (InvalidGroup.Duplicate)' },
  'AWS::CloudWatch::Alarm': { properties: ['AlarmName'], rule: 'CloudFormation cannot replace a custom-named alarm (an alarm name is one per account and region)' },
  'AWS::IAM::Role': { properties: ['RoleName'], rule: 'IAM allows one role of a name per account (EntityAlreadyExists)' },
  'AWS::IAM::ManagedPolicy': { properties: ['ManagedPolicyName'], rule: 'IAM allows one managed policy of a name per account and path (EntityAlreadyExists)' },
  'AWS::KMS::Alias': { properties: ['AliasName'], rule: 'KMS allows one alias of a name per account and region (AlreadyExistsException)' },
  'AWS::SecretsManager::Secret': { properties: ['Name'], rule: 'Secrets Manager allows one secret of a name per account and region (ResourceExistsException)' },
  'AWS::RDS::DBCluster': { properties: ['DBClusterIdentifier'], rule: 'RDS allows one DB cluster of an identifier per account and region (DBClusterAlreadyExistsFault)' },
  'AWS::RDS::DBInstance': { properties: ['DBInstanceIdentifier'], rule: 'RDS allows one DB instance of an identifier per account and region (DBInstanceAlreadyExists)' },
  'AWS::ElastiCache::ReplicationGroup': { properties: ['ReplicationGroupId'], rule: 'ElastiCache allows one replication group of an ID per account and region (ReplicationGroupAlreadyExists)' },
  'AWS::SNS::Topic': { properties: ['TopicName'], rule: 'CloudFormation cannot replace a custom-named topic (a topic name is one per account and region)' },
  'AWS::Logs::LogGroup': { properties: ['LogGroupName'], rule: 'CloudWatch Logs allows one log group of a name per account and region (ResourceAlreadyExistsException)' },
  'AWS::S3::Bucket': { properties: ['BucketName'], rule: 'S3 allows one bucket of a name (BucketAlreadyExists)' },
  'AWS::ElasticLoadBalancingV2::TargetGroup': { properties: ['Name'], rule: 'Elastic Load Balancing allows one target group of a name per account and region (DuplicateTargetGroupName)' },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { properties: ['Name'], rule: 'Elastic Load Balancing allows one load balancer of a name per account and region (DuplicateLoadBalancerName)' },
  'AWS::SSM::Parameter': { properties: ['Name'], rule: 'Systems Manager allows one parameter of a name per account and region (ParameterAlreadyExists)' },
};
