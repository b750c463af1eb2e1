import {
  CloudFormationClient, CreateChangeSetCommand, CreateChangeSetCommandInput, DeleteChangeSetCommand, DescribeChangeSetCommand, DescribeStackEventsCommand,
  DescribeStacksCommand, ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { call, CallOptions } from './aws-calls';
import { LiveError } from './errors';

/** How a change set of `pair shift` ended. */
export interface ChangeSetOutcome {
  /** `empty`: the template changes nothing; `updated`: UPDATE_COMPLETE; `rolled-back`: UPDATE_ROLLBACK_COMPLETE. */
  readonly result: 'empty' | 'updated' | 'rolled-back';
  /** For a rollback: the rollback trigger (alarm ARN) CloudFormation names, if any. */
  readonly alarm?: string;
  /** For a rollback: the reason CloudFormation gives. */
  readonly reason?: string;
}

/** Between two looks at a change set being created, and at a stack being updated (it may bake up to 180 minutes). */
const CHANGE_SET_POLL_MS = 5_000;
const STACK_POLL_MS = 15_000;
/** What CloudFormation says of a change set with no change (both wordings are in use). */
const NO_CHANGES = /didn't contain changes|No updates are to be performed/;

/**
 * Creates the change set, waits for it, executes it and waits for the stack to settle, as `cdk deploy`
 * does; on a rollback, names the trigger from the stack's events. Every call goes through `call`
 * (retries, AccessDenied naming the action).
 */
export async function deployChangeSet(cfn: CloudFormationClient, request: CreateChangeSetCommandInput, options: CallOptions): Promise<ChangeSetOutcome> {
  const StackName = request.StackName!;
  const what = `stack ${StackName}`;
  const created = await call('cloudformation:CreateChangeSet', what, () => cfn.send(new CreateChangeSetCommand(request)), options);
  const ChangeSetName = created.Id ?? request.ChangeSetName!;
  for (;;) {
    const described = await call('cloudformation:DescribeChangeSet', what, () => cfn.send(new DescribeChangeSetCommand({ StackName, ChangeSetName })), options);
    if (described.Status === 'CREATE_COMPLETE') break;
    if (described.Status === 'FAILED') {
      if (NO_CHANGES.test(described.StatusReason ?? '')) {
        await call('cloudformation:DeleteChangeSet', what, () => cfn.send(new DeleteChangeSetCommand({ StackName, ChangeSetName })), options);
        return { result: 'empty' };
      }
      throw new LiveError(what, 'LiveShiftFailed', 'CloudFormation could not create the change set of the shift.', described.StatusReason ?? 'FAILED',
        'read the reason, fix the Traffic stack in the app, synthesize and run `pair shift` again');
    }
    await options.sleep(CHANGE_SET_POLL_MS);
  }
  const started = new Date();
  await call('cloudformation:ExecuteChangeSet', what, () => cfn.send(new ExecuteChangeSetCommand({ StackName, ChangeSetName })), options);
  for (;;) {
    await options.sleep(STACK_POLL_MS);
    const stacks = await call('cloudformation:DescribeStacks', what, () => cfn.send(new DescribeStacksCommand({ StackName })), options);
    const status = stacks.Stacks?.[0]?.StackStatus ?? '';
    if (status.endsWith('_IN_PROGRESS')) continue;
    if (status === 'UPDATE_COMPLETE') return { result: 'updated' };
    if (status === 'UPDATE_ROLLBACK_COMPLETE') return { result: 'rolled-back', ...await rollbackCause(cfn, StackName, request, started, options) };
    throw new LiveError(what, 'LiveShiftFailed', 'the update of the Traffic stack did not end in UPDATE_COMPLETE or a rollback.', status,
      'read the stack\'s events in the CloudFormation console, mend the stack, and record what is deployed with `cdk-safe-eks pair record`');
  }
}

/** The rollback trigger that fired: the first event since the execution whose reason names one of the request's alarms. */
async function rollbackCause(cfn: CloudFormationClient, StackName: string, request: CreateChangeSetCommandInput, started: Date, options: CallOptions): Promise<{ alarm?: string; reason?: string }> {
  const triggers = (request.RollbackConfiguration?.RollbackTriggers ?? []).map((t) => t.Arn!);
  let firstReason: string | undefined;
  let NextToken: string | undefined;
  do {
    const page = await call('cloudformation:DescribeStackEvents', `stack ${StackName}`, () => cfn.send(new DescribeStackEventsCommand({ StackName, NextToken })), options);
    // Newest first: stop at the events of earlier deploys.
    const events = (page.StackEvents ?? []).filter((e) => e.Timestamp === undefined || e.Timestamp >= new Date(started.getTime() - 60_000));
    for (const event of events) {
      const reason = event.ResourceStatusReason ?? '';
      const alarm = triggers.find((arn) => reason.includes(arn) || reason.includes(arn.slice(arn.lastIndexOf(':alarm:') + ':alarm:'.length)));
      if (alarm !== undefined) return { alarm, reason };
      if (firstReason === undefined && /ROLLBACK/.test(event.ResourceStatus ?? '') && reason !== '') firstReason = reason;
    }
    if (events.length < (page.StackEvents ?? []).length) break;
    NextToken = page.NextToken;
  } while (NextToken !== undefined);
  return { reason: firstReason };
}
