import type { FlowCheck } from './flow-model';

/** How a `FlowCheck` reads as text: the one place the synth-time check, the plugin, the nag pack and the CLI take it from. */

/** Holds before and after the replay. */
export function flowPassed(flow: FlowCheck): boolean {
  return flow.allowedBefore && flow.allowedAfterReplay;
}

/** Fails and nobody acknowledged it: what fails a check. */
export function flowFails(flow: FlowCheck): boolean {
  return !flowPassed(flow) && flow.acknowledged === undefined;
}

/** `tcp 443`, or `all traffic`. */
export function flowTraffic(flow: FlowCheck): string {
  // An all-traffic flow prints its ports as "all" too: "all all" says nothing twice.
  return flow.ports === 'all' ? 'all traffic' : `${flow.protocol} ${flow.ports}`;
}

/** `ControlPlaneToNodesKubelet (control plane of S/C -> nodes tcp 10250)`. */
export function flowTitle(flow: FlowCheck): string {
  return `${flow.flowId} (${flow.sourceLabel} -> ${flow.destinationLabel} ${flowTraffic(flow)})`;
}

/** What is missing: as synthesized, or (for a flow that holds only through the EKS-created group) after the replay. */
export function flowProblem(flow: FlowCheck): string {
  return (flow.allowedBefore ? flow.replayProblem : flow.problem) ?? '';
}

/** One sentence on what is wrong with the flow, for a person deciding whether to fix or acknowledge it. */
export function flowVerdict(flow: FlowCheck): string {
  return flow.allowedBefore
    ? `Required flow ${flowTitle(flow)} holds only through the EKS-created cluster security group, whose rules an EKS upgrade can rewrite (the 2021-01-11 incident).`
    : `Required flow ${flowTitle(flow)} is not allowed by any rule.`;
}

/** Why a flow fails and how to fix it, in one line. */
export function describeFailure(flow: FlowCheck): string {
  const problem = flow.allowedBefore ? `lost in replay: ${flow.replayProblem}` : `missing: ${flow.problem}`;
  return `${problem}. Fix: ${flow.fix}`;
}
