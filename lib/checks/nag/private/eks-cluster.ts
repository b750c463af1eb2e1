import { CfnResource } from 'aws-cdk-lib';
import { resolvedList, resolvedProperties } from './cfn';
import { readEksCluster } from '../../../model/eks-resources';
import { EKS_CLUSTER_TYPES } from '../../../model/resource-types';

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

/** The settings of an EKS cluster of either shape (read by the model's one cluster reader), or undefined for any other resource. */
export function eksClusterSettings(node: CfnResource): EksClusterSettings | undefined {
  // The type first: rendering every resource of the app to find the clusters would be wasted work.
  if (!EKS_CLUSTER_TYPES.has(node.cfnResourceType)) return undefined;
  const fields = readEksCluster(node.cfnResourceType, resolvedProperties(node))!;
  return {
    endpointPublicAccess: fields.endpointPublicAccess,
    publicAccessCidrs: fields.publicAccessCidrs,
    enabledLogTypes: fields.enabledLogTypes((value, what) => resolvedList(node, value, what)),
    supportType: fields.supportType,
  };
}
