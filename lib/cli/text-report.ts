import { ConnectivityReport, FlowCheck } from '../model/flow-model';
import { describeFailure, flowFails, flowPassed } from '../model/flow-text';
import { FlowRole } from '../model/required-flows';
import { WorkloadKind } from '../model/workloads';

const PASS = 'pass';
const FAIL = 'FAIL';

/** `verify` output: one table per cluster, unproven clusters, problems, optionally the replay detail, warnings, then the verdict. */
export function formatText(report: ConnectivityReport, options: { replay: boolean }): string {
  const lines: string[] = [...clusterTables(report)];
  const failed = report.flows.filter((f) => !flowPassed(f));
  if (report.unproven.length > 0) {
    lines.push('Unproven clusters (nothing about their workloads could be proven; zero flows is not a pass):');
    for (const u of report.unproven) lines.push(`  ${u.cluster}: ${u.reason}${acknowledgedNote(u.acknowledged)} [${u.findingId}]`);
    lines.push('');
  }
  if (failed.length > 0) {
    lines.push('Problems:');
    for (const f of failed) lines.push(`  ${f.cluster} ${f.flowId}${partySuffix(f)}: ${describeFailure(f)}${acknowledgedNote(f.acknowledged)}`);
    lines.push('');
  }
  if (options.replay) lines.push(...replayDetail(report));
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  if (report.warnings.length > 0) lines.push('');
  const { proven, failing, unproven } = report.counts;
  lines.push(`Clusters: ${proven} proven, ${failing} failing, ${unproven} unproven.`);
  lines.push(verdict(report, failed));
  return `${lines.join('\n')}\n`;
}

function clusterTables(report: ConnectivityReport): string[] {
  const lines: string[] = [];
  const clusters = [...new Set(report.flows.map((f) => f.cluster))];
  if (clusters.length === 0 && report.unproven.length === 0) lines.push('No EKS cluster with required flows found in the assembly.');
  for (const cluster of clusters) {
    lines.push(`Cluster ${cluster}`);
    lines.push(...table(
      ['flow', 'from -> to', 'protocol', 'ports', 'before', 'after replay'],
      report.flows.filter((f) => f.cluster === cluster).map((f) => [f.flowId, `${end(f, f.source)} -> ${end(f, f.destination)}${storeSuffix(f)}`,
        f.protocol, f.ports, f.allowedBefore ? PASS : FAIL, f.allowedAfterReplay ? PASS : FAIL]),
    ).map((l) => `  ${l}`));
    lines.push('');
  }
  return lines;
}

function replayDetail(report: ConnectivityReport): string[] {
  const lines = ['Replay (every rule on, or naming, an EKS-created cluster security group removed):'];
  for (const f of report.flows) {
    const verdict = !f.allowedBefore ? 'missing before replay' : f.allowedAfterReplay ? 'survives' : 'LOST';
    lines.push(`  ${f.cluster} ${f.flowId}${partySuffix(f)}: ${verdict}`);
    for (const rule of f.restsOn) lines.push(`    ${rule.onEksCreatedGroup ? '[EKS-created] ' : ''}${rule.summary}`);
  }
  lines.push('');
  return lines;
}

function verdict(report: ConnectivityReport, failed: FlowCheck[]): string {
  const failing = failed.filter(flowFails);
  const openUnproven = report.unproven.filter((u) => u.acknowledged === undefined).length;
  if (report.passed) {
    const acknowledged = failed.length + report.unproven.length;
    return `OK: all ${report.flows.length} required flows hold before and after the replay.${acknowledged > 0 ? ` (${acknowledged} acknowledged findings)` : ''}`;
  }
  if (failing.length === 0) {
    return `UNPROVEN: ${openUnproven} of ${report.counts.proven + report.counts.failing + report.counts.unproven} clusters could not be proven; `
      + `${report.flows.length} required flows hold. Add the clusters' compute to the app, or acknowledge with the reason.`;
  }
  const lost = failing.filter((f) => f.allowedBefore).length;
  return `FAILED: ${failing.length} of ${report.flows.length} required flows fail (${failing.length - lost} missing, ${lost} lost in the replay).`;
}

function acknowledgedNote(reason: string | undefined): string {
  return reason === undefined ? '' : ` (acknowledged: ${reason})`;
}

// A workload other than node groups is named in place of `nodes`.
function end(flow: FlowCheck, role: FlowRole): string {
  return role === FlowRole.NODES && flow.workload !== WorkloadKind.NODES ? flow.workload : role;
}

// Data-store and load-balancer flows exist once per store or balancer: name which one, and the workload beyond node groups.
function partySuffix(flow: FlowCheck): string {
  return `${flow.workload === WorkloadKind.NODES ? '' : ` (${flow.workload})`}${storeSuffix(flow)}`;
}

function storeSuffix(flow: FlowCheck): string {
  if (flow.destination === FlowRole.DATABASE || flow.destination === FlowRole.CACHE) return ` [${flow.destinationLabel}]`;
  return flow.source === FlowRole.LOAD_BALANCER ? ` [${flow.sourceLabel}]` : '';
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const render = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render)];
}
