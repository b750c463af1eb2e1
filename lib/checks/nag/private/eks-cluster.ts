import { CfnResource } from 'aws-cdk-lib';
import { CfnObject, isCfnObject, resolvedList, resolvedProperties } from './cfn';

/** aws-eks-v2 and L1 clusters are native; aws-eks (v1) creates clusters through a custom resource. */
const NATIVE_CLUSTER = 'AWS::EKS::Cluster';
const CDK_V1_CLUSTER = 'Custom::AWSCDK-EKS-Cluster';

/** The settings the rules judge, read from either cluster shape; `unknown` values are resolved but unchecked. */
export interface EksClusterSettings {
  /** Absent means public: the EKS default. */
  readonly endpointPublicAccess: unknown;
  /** Absent means 0.0.0.0/0: the EKS default. */
  readonly publicAccessCidrs: unknown;
  /** Control-plane log types switched on. */
  readonly enabledLogTypes: unknown[];
  /** `UpgradePolicy.SupportType`; absent means STANDARD: the EKS default. */
  readonly supportType: unknown;
}

/** The settings of an EKS cluster of either shape, or undefined for any other resource. */
export function eksClusterSettings(node: CfnResource): EksClusterSettings | undefined {
  if (node.cfnResourceType === NATIVE_CLUSTER) {
    const props = resolvedProperties(node);
    const vpc = objectAt(props, 'ResourcesVpcConfig');
    const logging = objectAt(objectAt(props, 'Logging'), 'ClusterLogging');
    return {
      endpointPublicAccess: vpc.EndpointPublicAccess,
      publicAccessCidrs: vpc.PublicAccessCidrs,
      enabledLogTypes: resolvedList(node, logging.EnabledTypes, 'Logging.ClusterLogging.EnabledTypes')
        .map((entry) => (isCfnObject(entry) ? entry.Type : entry)),
      supportType: objectAt(props, 'UpgradePolicy').SupportType,
    };
  }
  if (node.cfnResourceType === CDK_V1_CLUSTER) {
    // The custom resource passes `Config` to the EKS CreateCluster API, so it uses the API's camelCase names.
    const config = objectAt(resolvedProperties(node), 'Config');
    const vpc = objectAt(config, 'resourcesVpcConfig');
    const logging = resolvedList(node, objectAt(config, 'logging').clusterLogging, 'Config.logging.clusterLogging');
    return {
      endpointPublicAccess: vpc.endpointPublicAccess,
      publicAccessCidrs: vpc.publicAccessCidrs,
      enabledLogTypes: logging.filter((entry) => isCfnObject(entry) && entry.enabled === true)
        .flatMap((entry) => resolvedList(node, (entry as CfnObject).types, 'Config.logging.clusterLogging[].types')),
      supportType: objectAt(config, 'upgradePolicy').supportType,
    };
  }
  return undefined;
}

function objectAt(parent: CfnObject, key: string): CfnObject {
  const value = parent[key];
  return isCfnObject(value) ? value : {};
}
