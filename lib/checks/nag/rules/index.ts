// The pack's rules, one per file; internal to the pack (not exported from lib/index.ts).
export { default as DataStoreNoClusterSecurityGroupDependency } from './DataStoreNoClusterSecurityGroupDependency';
export { default as EksClusterConnectivityProven } from './EksClusterConnectivityProven';
export { default as EksClusterControlPlaneLogsComplete } from './EksClusterControlPlaneLogsComplete';
export { default as EksClusterExplicitUpgradePolicy } from './EksClusterExplicitUpgradePolicy';
export { default as EksClusterGuardrails } from './EksClusterGuardrails';
export { default as EksClusterNoPublicEndpoint } from './EksClusterNoPublicEndpoint';
export { default as EksClusterRequiredFlowsOwned } from './EksClusterRequiredFlowsOwned';
export { default as EksNodegroupOwnedSecurityGroups } from './EksNodegroupOwnedSecurityGroups';
export { default as EksNoFargateProfile } from './EksNoFargateProfile';
export { default as SecurityGroupNoClusterSecurityGroupPeer } from './SecurityGroupNoClusterSecurityGroupPeer';
