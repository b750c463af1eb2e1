export * from './network/required-flows';
export * from './cluster/safe-cluster';
export * from './cluster/safe-nodegroup';
