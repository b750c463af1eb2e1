export * from './network/required-flows';
export * from './cluster/safe-cluster';
export * from './cluster/safe-nodegroup';
export * from './data/data-store-access';
export * from './data/dependent-database';
export * from './data/dependent-cache';
export * from './checks/nag/eks-upgrade-safety-checks';
