import { isJsonObject, JsonObject } from './json';
import { ResourceType } from './resource-types';

/** The fields of an EKS cluster resource the checks read, whichever shape wrote it. Values are as resolved, unchecked. */
export interface EksClusterFields {
  /** Additional security groups of the control plane (a list, or an intrinsic). */
  readonly securityGroupIds: unknown;
  /** Cluster name, when set. */
  readonly name: unknown;
  /** Absent means public: the EKS default. */
  readonly endpointPublicAccess: unknown;
  /** Absent means 0.0.0.0/0: the EKS default. */
  readonly publicAccessCidrs: unknown;
  /** `UpgradePolicy.SupportType`; absent means STANDARD: the EKS default. */
  readonly supportType: unknown;
  /** `ComputeConfig.Enabled`: Auto Mode runs nodes that carry the EKS-created group. */
  readonly autoMode: unknown;
  /** The control-plane log types switched on; `asList` reads a value that must be a list (or says why it is not). */
  enabledLogTypes(asList: (value: unknown, what: string) => unknown[]): unknown[];
}

/**
 * Reads an EKS cluster of either shape: the native `AWS::EKS::Cluster` (aws-eks-v2, L1, raw
 * CloudFormation) or the custom resource aws-eks (v1) writes, which passes `Config` to the EKS
 * CreateCluster API and so uses the API's camelCase names. Undefined for any other resource.
 */
export function readEksCluster(type: unknown, props: JsonObject): EksClusterFields | undefined {
  if (type === ResourceType.EKS_CLUSTER) {
    const vpc = objectAt(props, 'ResourcesVpcConfig');
    return {
      securityGroupIds: vpc.SecurityGroupIds, name: props.Name,
      endpointPublicAccess: vpc.EndpointPublicAccess, publicAccessCidrs: vpc.PublicAccessCidrs,
      supportType: objectAt(props, 'UpgradePolicy').SupportType, autoMode: objectAt(props, 'ComputeConfig').Enabled,
      enabledLogTypes: (asList) => asList(objectAt(objectAt(props, 'Logging'), 'ClusterLogging').EnabledTypes, 'Logging.ClusterLogging.EnabledTypes')
        .map((entry) => (isJsonObject(entry) ? entry.Type : entry)),
    };
  }
  if (type === ResourceType.EKS_CLUSTER_V1) {
    const config = objectAt(props, 'Config');
    const vpc = objectAt(config, 'resourcesVpcConfig');
    return {
      securityGroupIds: vpc.securityGroupIds, name: config.name,
      endpointPublicAccess: vpc.endpointPublicAccess, publicAccessCidrs: vpc.publicAccessCidrs,
      supportType: objectAt(config, 'upgradePolicy').supportType, autoMode: objectAt(config, 'computeConfig').enabled,
      enabledLogTypes: (asList) => asList(objectAt(config, 'logging').clusterLogging, 'Config.logging.clusterLogging')
        .filter((entry) => isJsonObject(entry) && entry.enabled === true)
        .flatMap((entry) => asList((entry as JsonObject).types, 'Config.logging.clusterLogging[].types')),
    };
  }
  return undefined;
}

/** The cluster a Fargate profile of either shape belongs to (its name, as written), or undefined for any other resource. */
export function fargateProfileCluster(type: unknown, props: JsonObject): { readonly clusterName: unknown } | undefined {
  if (type === ResourceType.EKS_FARGATE_PROFILE) return { clusterName: props.ClusterName };
  if (type === ResourceType.EKS_FARGATE_PROFILE_V1) return { clusterName: objectAt(props, 'Config').clusterName };
  return undefined;
}

function objectAt(parent: JsonObject, key: string): JsonObject {
  const value = parent[key];
  return isJsonObject(value) ? value : {};
}
