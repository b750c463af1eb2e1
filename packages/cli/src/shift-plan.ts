import { createHash } from 'crypto';
import * as fs from 'fs';
import type { CreateChangeSetCommandInput } from '@aws-sdk/client-cloudformation';
import { PAIR_WEIGHTS_METADATA_KEY } from 'cdk-safe-eks/dist/lib/blue-green/pair-change-intent';
import { PairStateFile, RecordedPair } from 'cdk-safe-eks/dist/lib/blue-green/pair-state';
import { AlarmLocation, ALL_GUARDRAIL_ALARM_KINDS, guardrailAlarmArn } from 'cdk-safe-eks/dist/lib/model/guardrail-names';
import { DeployedStack, substituteRole } from './assembly-stacks';
import { LiveError } from './errors';

/** CloudFormation's limit on a TemplateBody; a larger template must be uploaded and passed as TemplateURL. */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;
/** CloudFormation's limit on a rollback configuration's monitoring time. */
export const MAX_BAKE_MINUTES = 180;
export const DEFAULT_BAKE_MINUTES = 10;

type Key = 'blue' | 'green';
const COLORS: ReadonlyArray<[Key, string]> = [['blue', 'Blue'], ['green', 'Green']];

/** A color whose weight goes up in the shift. */
export interface GainingColor {
  readonly color: Key;
  readonly clusterName: string;
  /** The stack of its cluster: its alarms live in that stack's account and region. */
  readonly stack: DeployedStack;
}

/** What `pair shift` deploys: the pair's Traffic stack as synthesized, and the weights it moves from and to. */
export interface ShiftPlan {
  readonly pairPath: string;
  readonly traffic: DeployedStack;
  readonly templateBody: string;
  readonly recorded: RecordedPair;
  readonly before: { readonly [color in Key]: number };
  readonly after: { readonly [color in Key]: number };
  readonly gaining: readonly GainingColor[];
}

/** The shift of pair `pairPath`: its Traffic stack in `stacks` (found by its weights metadata), its recorded weights in `state`. */
export function shiftPlan(stacks: readonly DeployedStack[], pairPath: string, state: PairStateFile, stateFile: string): ShiftPlan {
  const templates = stacks.map((stack) => ({ stack, body: fs.readFileSync(stack.templateFile, 'utf8') }));
  const parsed = templates.map((t) => ({ ...t, template: JSON.parse(t.body) as { Metadata?: { [key: string]: unknown }; Resources?: { [id: string]: { Type?: string; Properties?: { Name?: unknown } } } } }));
  const weightsOf = (t: (typeof parsed)[number]) => t.template.Metadata?.[PAIR_WEIGHTS_METADATA_KEY] as { pair?: string; weights?: { [color: string]: number } } | undefined;
  const traffic = parsed.find((t) => weightsOf(t)?.pair === pairPath);
  if (traffic === undefined) {
    const pairs = parsed.map(weightsOf).filter((w) => w?.pair !== undefined).map((w) => w!.pair);
    throw new LiveError(stacks[0]?.templateFile ?? 'the assembly', 'LiveArgument', `no stack of the assembly is the Traffic stack of pair ${pairPath}.`,
      pairs.length === 0 ? 'no Traffic stack of any pair' : `Traffic stacks of pairs ${pairs.join(', ')}`,
      'pass --pair with the path of a pair of the app (a pair in a Stage is <Stage>/<id>), and --assembly with the directory `cdk synth` wrote');
  }
  const recorded = state.pairs[pairPath];
  if (recorded === undefined) {
    throw new LiveError(stateFile, 'LiveArgument', `pair ${pairPath} is not recorded, so the weights it moves from are unknown.`, Object.keys(state.pairs).join(', ') || 'no pair',
      `run \`cdk-safe-eks pair record --pair ${pairPath}\` after the pair's deploy`);
  }
  const weights = weightsOf(traffic)!.weights ?? {};
  const before = Object.fromEntries(COLORS.map(([key]) => [key, recorded[key]?.weight ?? 0])) as ShiftPlan['before'];
  const after = Object.fromEntries(COLORS.map(([key, name]) => [key, weights[name] ?? 0])) as ShiftPlan['after'];
  const gaining = COLORS.filter(([key]) => after[key] > before[key]).map(([key]): GainingColor => {
    const color = recorded[key];
    if (color === undefined) {
      throw new LiveError(stateFile, 'LiveArgument', `pair ${pairPath} gives ${key} weight ${after[key]}, but ${key} is not recorded, so its cluster and alarms are unknown.`, key,
        `deploy ${key} at weight 0 and run \`cdk-safe-eks pair record --pair ${pairPath}\` before shifting traffic to it`);
    }
    const home = parsed.find((t) => Object.values(t.template.Resources ?? {}).some((r) => r.Type === 'AWS::EKS::Cluster' && r.Properties?.Name === color.clusterName));
    return { color: key, clusterName: color.clusterName, stack: (home ?? traffic).stack };
  });
  return { pairPath, traffic: traffic.stack, templateBody: traffic.body, recorded, before, after, gaining };
}

/** `--bake-minutes` as a number of minutes CloudFormation accepts, or exit 2. */
export function bakeMinutes(value: string | undefined): number {
  if (value === undefined) return DEFAULT_BAKE_MINUTES;
  const minutes = Number(value);
  if (!/^\d+$/.test(value) || minutes > MAX_BAKE_MINUTES) {
    throw new LiveError('--bake-minutes', 'LiveArgument', `the bake time must be a whole number of minutes from 0 to ${MAX_BAKE_MINUTES} (CloudFormation's MonitoringTimeInMinutes).`,
      JSON.stringify(value), `pass --bake-minutes between 0 and ${MAX_BAKE_MINUTES}, or leave it out for ${DEFAULT_BAKE_MINUTES}`);
  }
  return minutes;
}

/** Where each stack deploys, with the account and region known. */
export type Locate = (stack: DeployedStack) => AlarmLocation;

/**
 * The CreateChangeSet request of the shift: the Traffic template as synthesized, run by the execution role
 * the manifest names, rolled back by CloudFormation if any guardrail alarm of a color gaining weight goes
 * into ALARM while the update runs or during the bake time after it.
 */
export function changeSetRequest(plan: ShiftPlan, minutes: number, locate: Locate, changeSetName: string): CreateChangeSetCommandInput {
  const bytes = Buffer.byteLength(plan.templateBody, 'utf8');
  if (bytes > MAX_TEMPLATE_BODY_BYTES) {
    throw new LiveError(`stack ${plan.traffic.stackName}`, 'LiveTemplateTooLarge', `its template is over CloudFormation's ${MAX_TEMPLATE_BODY_BYTES} bytes for a TemplateBody, and \`pair shift\` does not upload templates.`,
      `${bytes} bytes`, `deploy the Traffic stack with \`cdk deploy\` (which uploads it to the bootstrap bucket), or keep what is not traffic out of the Traffic stack`);
  }
  const where = locate(plan.traffic);
  return {
    StackName: plan.traffic.stackName,
    ChangeSetName: changeSetName,
    ChangeSetType: 'UPDATE',
    TemplateBody: plan.templateBody,
    ...(plan.traffic.executionRoleArn === undefined ? {} : { RoleARN: substituteRole(plan.traffic.executionRoleArn, where) }),
    Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
    Description: `cdk-safe-eks pair shift ${plan.pairPath}: ${describeWeights(plan)}`,
    RollbackConfiguration: {
      RollbackTriggers: plan.gaining.flatMap((g) => ALL_GUARDRAIL_ALARM_KINDS.map((kind) => ({ Arn: guardrailAlarmArn(g.clusterName, kind, locate(g.stack)), Type: 'AWS::CloudWatch::Alarm' }))),
      MonitoringTimeInMinutes: minutes,
    },
  };
}

/** `blue 100 -> 90, green 0 -> 10` */
export function describeWeights(plan: ShiftPlan): string {
  return COLORS.map(([key]) => `${key} ${plan.before[key]} -> ${plan.after[key]}`).join(', ');
}

/** What `--dry-run --json` prints: the request, less its template, and the weights. */
export function dryRunJson(plan: ShiftPlan, request: CreateChangeSetCommandInput, deployRoleArn: string | undefined): object {
  return {
    StackName: request.StackName,
    RoleARN: request.RoleARN,
    DeployRoleArn: deployRoleArn,
    RollbackConfiguration: request.RollbackConfiguration,
    weights: { before: plan.before, after: plan.after },
    templateSha256: createHash('sha256').update(plan.templateBody).digest('hex'),
  };
}

/** The state after the shift: the recorded pair with the weights the Traffic stack now sets. */
export function shiftedState(state: PairStateFile, plan: ShiftPlan): PairStateFile {
  const pair: RecordedPair = {
    ...plan.recorded,
    ...Object.fromEntries(COLORS.filter(([key]) => plan.recorded[key] !== undefined).map(([key]) => [key, { ...plan.recorded[key]!, weight: plan.after[key] }])),
  };
  return { ...state, pairs: { ...state.pairs, [plan.pairPath]: pair } };
}
