import { guardrailAlarmNames } from 'cdk-safe-eks/dist/lib/model/guardrail-names';
import { Account } from './account';
import { DeployedStack } from './assembly-stacks';
import { CheckLine, pairCheck } from './pair-check';

/** The go/no-go of the cluster `clusterName` from the account: the snapshot of the stacks and the cluster's alarms. */
export async function liveCheck(account: Account, stacks: readonly DeployedStack[], clusterName: string): Promise<CheckLine[]> {
  const snapshot = await account.snapshot(stacks);
  const names = Object.values(guardrailAlarmNames(clusterName));
  // The alarms live beside the color's cluster: read them with its stack's role and region.
  const home = stacks.find((s) => snapshot.stackResources.get(s.stackName)?.StackResources.some((r) => r.PhysicalResourceId === clusterName)) ?? stacks[0];
  snapshot.alarms.MetricAlarms.push(...await account.alarms(home, names));
  return pairCheck(clusterName, snapshot);
}
