import { readStateFile, writeStateFile } from 'cdk-safe-eks/dist/lib/blue-green/pair-state';
import { CliIo, ExitCode } from 'cdk-safe-eks/dist/lib/cli/program';
import { guardrailAlarmNames } from 'cdk-safe-eks/dist/lib/model/guardrail-names';
import { Account, Location } from './account';
import { assemblyStacks, DeployedStack, partitionOf, substituteRole } from './assembly-stacks';
import { deployChangeSet } from './change-set';
import { LiveError } from './errors';
import { liveCheck } from './live-check';
import { formatCheck } from './pair-check';
import { bakeMinutes, changeSetRequest, describeWeights, dryRunJson, shiftedState, shiftPlan, ShiftPlan } from './shift-plan';

export interface ShiftFlags { readonly pair: string; readonly assembly: string; readonly stateFile: string; readonly bakeMinutes?: string; readonly dryRun: boolean; readonly json: boolean }

/** `pair shift`: the request (printed with --dry-run), or pair check of each color gaining weight, the change set, and the state it ends in. */
export async function shift(flags: ShiftFlags, io: CliIo, account: Account, sleep: (ms: number) => Promise<void>): Promise<ExitCode> {
  const minutes = bakeMinutes(flags.bakeMinutes);
  const stacks = assemblyStacks(flags.assembly);
  const state = readStateFile(flags.stateFile);
  const plan = shiftPlan(stacks, flags.pair, state, flags.stateFile);
  const locations = new Map<DeployedStack, Location>();
  for (const stack of new Set([plan.traffic, ...plan.gaining.map((g) => g.stack)])) {
    locations.set(stack, flags.dryRun ? knownLocation(stack, plan.recorded) : await account.location(stack));
  }
  const request = changeSetRequest(plan, minutes, (stack) => locations.get(stack)!, `cdk-safe-eks-pair-shift-${Date.now()}`);
  const deployRole = plan.traffic.deployRoleArn === undefined ? undefined : substituteRole(plan.traffic.deployRoleArn, locations.get(plan.traffic)!);
  if (flags.dryRun) {
    io.out(flags.json ? `${JSON.stringify(dryRunJson(plan, request, deployRole), null, 2)}\n`
      : `Would deploy ${plan.traffic.stackName} (${describeWeights(plan)}) as a change set${deployRole === undefined ? '' : ` with ${deployRole}`}${request.RoleARN === undefined ? '' : `, run by ${request.RoleARN}`}, `
        + `rolled back if any of these alarms fires during the update or the ${minutes} minutes after it:\n${request.RollbackConfiguration!.RollbackTriggers!.map((t) => `  ${t.Arn}\n`).join('') || '  (none: no color gains weight)\n'}`);
    return ExitCode.OK;
  }
  if (plan.gaining.length === 0) {
    io.out(`Nothing to shift: the Traffic stack of ${flags.pair} gives no color more weight than recorded (${describeWeights(plan)}).\n`);
    return ExitCode.OK;
  }
  for (const gaining of plan.gaining) {
    const lines = await liveCheck(account, stacks, gaining.clusterName);
    if (!lines.every((l) => l.ok)) {
      io.out(formatCheck(gaining.color, lines));
      io.out(`Refused: ${gaining.color} is not fit to take traffic; nothing was deployed.\n`);
      return ExitCode.FLOWS_FAIL;
    }
  }
  const outcome = await deployChangeSet(await account.cloudFormation(plan.traffic), request, { sleep });
  if (outcome.result === 'empty') {
    io.out(`Nothing to shift: the deployed ${plan.traffic.stackName} is already the template of the assembly.\n`);
    return ExitCode.OK;
  }
  if (outcome.result === 'rolled-back') {
    const alarm = outcome.alarm ?? await firingAlarm(account, plan.gaining);
    io.out(`Rolled back: ${alarm === undefined ? 'CloudFormation rolled the shift back' : `alarm ${alarm} fired`}`
      + `${outcome.reason === undefined ? '' : ` (${outcome.reason})`}; the weights are still ${Object.entries(plan.before).map(([c, w]) => `${c} ${w}`).join(', ')}, and the state file is unchanged.\n`);
    return ExitCode.FLOWS_FAIL;
  }
  writeStateFile(flags.stateFile, shiftedState(state, plan));
  io.out(`Shifted ${flags.pair}: ${describeWeights(plan)}; no alarm fired in ${minutes} minutes. Recorded the new weights in ${flags.stateFile}.\n`);
  return ExitCode.OK;
}

/**
 * The trigger that rolled the shift back when the stack's events name none (their wording is not
 * documented): the first guardrail alarm of a color gaining weight that is in ALARM now.
 */
async function firingAlarm(account: Account, gaining: ShiftPlan['gaining']): Promise<string | undefined> {
  for (const color of gaining) {
    const alarms = await account.alarms(color.stack, Object.values(guardrailAlarmNames(color.clusterName)));
    const firing = alarms.find((a) => a.StateValue === 'ALARM');
    if (firing !== undefined) return firing.AlarmArn ?? firing.AlarmName;
  }
  return undefined;
}

/** Where a stack deploys, from the assembly or the recorded pair, for a dry run (which calls nothing, not even STS). */
function knownLocation(stack: DeployedStack, pair: { account?: string; region?: string }): Location {
  const account = stack.account ?? pair.account;
  const region = stack.region ?? pair.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (account === undefined || region === undefined) {
    throw new LiveError(`stack ${stack.stackName}`, 'LiveRegion', 'a dry run needs the account and region of the stack, and neither the assembly nor the state file names them.',
      `account ${account ?? 'unknown'}, region ${region ?? 'unknown'}`, 'give the pair an env, or run without --dry-run (the account is then the caller\'s)');
  }
  return { account, region, partition: partitionOf(region) };
}
