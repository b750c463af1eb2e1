import { ConnectivityReport, FlowCheck } from '../model/flow-model';
import { FlowRole } from '../model/required-flows';

const PASS = 'pass';
const FAIL = 'FAIL';

/** Whether a flow holds before and after the replay. */
export function flowPassed(flow: FlowCheck): boolean {
  return flow.allowedBefore && flow.allowedAfterReplay;
}

/** Why a flow fails and how to fix it, in one line. */
export function describeFailure(flow: FlowCheck): string {
  const problem = flow.allowedBefore ? `lost in replay: ${flow.replayProblem}` : `missing: ${flow.problem}`;
  return `${problem}. Fix: ${flow.fix}`;
}

/** `verify` output: one table per cluster, then problems, optionally the replay detail, then warnings. */
export function formatText(report: ConnectivityReport, options: { replay: boolean }): string {
  const lines: string[] = [];
  const clusters = [...new Set(report.flows.map((f) => f.cluster))];
  if (clusters.length === 0) lines.push('No EKS cluster with required flows found in the assembly.');
  for (const cluster of clusters) {
    const flows = report.flows.filter((f) => f.cluster === cluster);
    lines.push(`Cluster ${cluster}`);
    lines.push(...table(
      ['flow', 'from -> to', 'protocol', 'ports', 'before', 'after replay'],
      flows.map((f) => [f.flowId, `${f.source} -> ${f.destination}${storeSuffix(f)}`,
        f.protocol, f.ports, f.allowedBefore ? PASS : FAIL, f.allowedAfterReplay ? PASS : FAIL]),
    ).map((l) => `  ${l}`));
    lines.push('');
  }
  const failed = report.flows.filter((f) => !flowPassed(f));
  if (failed.length > 0) {
    lines.push('Problems:');
    for (const f of failed) {
      lines.push(`  ${f.cluster} ${f.flowId}${storeSuffix(f)}: ${describeFailure(f)}`);
    }
    lines.push('');
  }
  if (options.replay) {
    lines.push('Replay (every rule on, or naming, an EKS-created cluster security group removed):');
    for (const f of report.flows) {
      const verdict = !f.allowedBefore ? 'missing before replay' : f.allowedAfterReplay ? 'survives' : 'LOST';
      lines.push(`  ${f.cluster} ${f.flowId}${storeSuffix(f)}: ${verdict}`);
      for (const rule of f.restsOn) lines.push(`    ${rule.vendorManaged ? '[EKS-created] ' : ''}${rule.summary}`);
    }
    lines.push('');
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  if (report.warnings.length > 0) lines.push('');
  const lost = failed.filter((f) => f.allowedBefore).length;
  lines.push(report.passed
    ? `OK: all ${report.flows.length} required flows hold before and after the replay.`
    : `FAILED: ${failed.length} of ${report.flows.length} required flows fail (${failed.length - lost} missing, ${lost} lost in the replay).`);
  return `${lines.join('\n')}\n`;
}

// Data-store and load-balancer flows exist once per store or balancer: name which one.
function storeSuffix(flow: FlowCheck): string {
  if (flow.destination === FlowRole.DATABASE || flow.destination === FlowRole.CACHE) return ` [${flow.destinationLabel}]`;
  return flow.source === FlowRole.LOAD_BALANCER ? ` [${flow.sourceLabel}]` : '';
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const render = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render)];
}
