import { ChangeFinding, FindingKind } from './change-verdicts';
import { FlowCheck, FlowModel } from './flow-model';
import { StackTemplate } from './stack-template';

/**
 * The required flows a change loses: every flow is evaluated on both sides, and one that holds before
 * and not after, or that rests on the EKS-created group after but not before, is a finding. What the
 * flow model could not read goes to `warnings`.
 */
export function lostFlows(beforeTemplates: StackTemplate[], afterTemplates: StackTemplate[], webhookFlows: boolean | undefined, warnings: string[]): ChangeFinding[] {
  const evaluate = (templates: StackTemplate[], side: string) => {
    try {
      const report = FlowModel.fromTemplates(templates).evaluate({ webhookFlows });
      warnings.push(...report.warnings.map((w) => `${side}: ${w}`));
      return report.flows;
    } catch (e) {
      warnings.push(`${side}: the flow model could not read the templates (${e instanceof Error ? e.message : String(e)}); flows not compared`);
      return undefined;
    }
  };
  const before = evaluate(beforeTemplates, 'before');
  const after = evaluate(afterTemplates, 'after');
  if (before === undefined || after === undefined) return [];
  const afterByKey = new Map(after.map((f) => [flowKey(f), f]));
  const clustersAfter = new Set(after.map((f) => f.cluster));
  const findings: ChangeFinding[] = [];
  for (const flow of before) {
    if (!clustersAfter.has(flow.cluster)) continue; // the cluster itself leaves: reported as its removal
    const next = afterByKey.get(flowKey(flow));
    const lost = flow.allowedBefore && !(next?.allowedBefore ?? false);
    const leansOnEksCreated = !lost && flow.allowedAfterReplay && next !== undefined && !next.allowedAfterReplay;
    if (!lost && !leansOnEksCreated) continue;
    findings.push({
      kind: FindingKind.FLOW_LOST,
      subject: `${flow.cluster} ${flow.flowId} (${flow.sourceLabel} -> ${flow.destinationLabel}, ${flow.protocol} ${flow.ports})`,
      message: lost
        ? `the flow holds before and ${next === undefined ? 'is no longer modelled' : 'not'} after the change${next?.problem ? `: ${next.problem}` : ''}`
        : 'the flow holds through owned rules before, and after the change rests on the EKS-created group, which an upgrade may rewrite',
      fix: next?.fix ?? 'keep the rule that carries the flow',
    });
  }
  return findings;
}

function flowKey(f: FlowCheck): string {
  return [f.cluster, f.flowId, f.sourceLabel, f.destinationLabel, f.protocol, f.ports].join('|');
}
