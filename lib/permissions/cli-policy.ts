import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CLI_COMMAND_ACTIONS, isRoleAction, isStackAction } from '../model/cli-permissions';
import { SafeEksError } from '../private/errors';
import { checkProps, requireScope, TypeSpec } from '../private/guards';

/** An account-reading command of the `cdk-safe-eks` CLI (package cdk-safe-eks-cli), whose IAM actions `CliPolicy` allows. */
export class CliCommand {
  /** `live snapshot`: stack resources and templates, security-group rules, clusters, node groups, add-ons, insights, target health. */
  public static readonly LIVE_SNAPSHOT = new CliCommand('live snapshot');
  /** `verify --live`: what `live snapshot` reads. */
  public static readonly VERIFY_LIVE = new CliCommand('verify --live');
  /** `lock`: sets each stack's policy. */
  public static readonly LOCK = new CliCommand('lock');
  /** `pair check`: what `live snapshot` reads, and the guardrail alarms. */
  public static readonly PAIR_CHECK = new CliCommand('pair check');
  /** `pair record --from-deployed`: the deployed templates of the pair's Traffic and color stacks. */
  public static readonly PAIR_RECORD_FROM_DEPLOYED = new CliCommand('pair record --from-deployed');
  /** `pair shift`: what `pair check` reads, and the change set of the pair's Traffic stack (create, execute, watch, delete when empty). */
  public static readonly PAIR_SHIFT = new CliCommand('pair shift');

  /** Every command. */
  public static all(): CliCommand[] {
    return [CliCommand.LIVE_SNAPSHOT, CliCommand.VERIFY_LIVE, CliCommand.LOCK, CliCommand.PAIR_CHECK, CliCommand.PAIR_RECORD_FROM_DEPLOYED, CliCommand.PAIR_SHIFT];
  }

  /** @param command the command as it is typed, e.g. `pair check` */
  private constructor(public readonly command: string) {}

  /** The IAM actions the command calls. */
  public get actions(): string[] {
    return [...CLI_COMMAND_ACTIONS[this.command]];
  }
}

const CLI_POLICY_PROP_TYPES: { [prop: string]: TypeSpec } = {
  commands: { type: 'array', name: 'array of CliCommand', minItems: 1, items: { type: 'object', name: 'CliCommand', members: ['command', 'actions'] } },
  stackNames: { type: 'array', name: 'array of stack names', items: { type: 'string' } },
  roles: { type: 'array', name: 'array of iam.IRole', items: { type: 'object', name: 'iam.IRole', members: ['roleName'] } },
  executionRoleArns: { type: 'array', name: 'array of role ARNs', minItems: 1, items: { type: 'string' } },
};

export interface CliPolicyProps {
  /**
   * The commands the policy allows.
   *
   * @default - every command (CliCommand.all())
   */
  readonly commands?: CliCommand[];
  /**
   * CloudFormation stack names the CloudFormation actions are limited to (in this stack's account and region).
   *
   * @default - every stack of the account
   */
  readonly stackNames?: string[];
  /**
   * Roles to attach the policy to, e.g. the CI role that runs the commands with `--no-assume-role`.
   *
   * @default - none; attach it yourself
   */
  readonly roles?: iam.IRole[];
  /**
   * CloudFormation execution roles `pair shift` may pass (the `cloudFormationExecutionRoleArn` the
   * assembly's manifest names for the Traffic stacks), with `CliCommand.PAIR_SHIFT`.
   *
   * @default - the CDK bootstrap execution role of any qualifier in this stack's account and region (`cdk-*-cfn-exec-role-<account>-<region>`)
   */
  readonly executionRoleArns?: string[];
}

/**
 * A customer-managed policy that allows exactly the AWS calls of the account-reading commands of the
 * `cdk-safe-eks` CLI (`live snapshot`, `verify --live`, `lock`, `pair check`, `pair shift`), for a CI role that runs
 * them. The read actions take no resource ARN in IAM, so they are allowed on `*`; the CloudFormation
 * actions can be limited to named stacks.
 */
export class CliPolicy extends iam.ManagedPolicy {
  constructor(scope: Construct, id: string, props: CliPolicyProps = {}) {
    requireScope('CliPolicy', scope, id);
    checkProps(`${scope.node.path}/${id}`, 'props', props, CLI_POLICY_PROP_TYPES, false);
    super(scope, id, { roles: props.roles });
    const commands = props.commands ?? CliCommand.all();
    const actions = [...new Set(commands.flatMap((c) => c.actions))].sort();
    const stackActions = actions.filter(isStackAction);
    const roleActions = actions.filter(isRoleAction);
    const otherActions = actions.filter((a) => !isStackAction(a) && !isRoleAction(a));
    if (props.executionRoleArns !== undefined && roleActions.length === 0) {
      throw new SafeEksError(this, 'CliPolicyUnusedProp', '`executionRoleArns` is set, but no command of `commands` passes a role (only `pair shift` does).',
        props.executionRoleArns.join(', '), 'add CliCommand.PAIR_SHIFT to `commands`, or leave `executionRoleArns` unset');
    }
    if (otherActions.length > 0) this.addStatements(new iam.PolicyStatement({ sid: 'ReadTheDeployedAccount', actions: otherActions, resources: ['*'] }));
    if (stackActions.length > 0) {
      const stack = Stack.of(this);
      const resources = props.stackNames === undefined ? ['*']
        : props.stackNames.map((name) => stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${name}/*` }));
      this.addStatements(new iam.PolicyStatement({ sid: 'TheAssemblysStacks', actions: stackActions, resources }));
    }
    if (roleActions.length > 0) {
      const stack = Stack.of(this);
      const resources = props.executionRoleArns
        ?? [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `cdk-*-cfn-exec-role-${stack.account}-${stack.region}` })];
      this.addStatements(new iam.PolicyStatement({
        sid: 'PassTheExecutionRole', actions: roleActions, resources, conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      }));
    }
  }
}
