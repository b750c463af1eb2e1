import { describeFailure, flowPassed, flowTraffic } from '../model/flow-text';
import { ConnectivityReport, FlowCheck } from '../model/flow-model';

const VENDOR_STYLE = 'fill:#fde0dc,stroke:#c62828,stroke-width:2px,stroke-dasharray:5 3';
const OWNED_STYLE = 'fill:#e8f5e9,stroke:#2e7d32';
const EXTERNAL_STYLE = 'fill:#eeeeee,stroke:#757575';

/**
 * A Mermaid flowchart: security groups (and CIDR peers) as nodes, one edge per pair of groups with
 * the protocols and ports of every flow that crosses it. Edges that exist only through an
 * EKS-created group, and the EKS-created groups themselves, are drawn red and dashed: they are what
 * an upgrade can take away.
 */
export function formatMermaid(report: ConnectivityReport): string {
  const ids = new Map<string, string>();
  const id = (key: string) => {
    if (!ids.has(key)) ids.set(key, `g${ids.size}`);
    return ids.get(key)!;
  };
  const vendor = new Map(report.groups.filter((g) => g.eksCluster !== undefined).map((g) => [g.key, g.eksCluster!]));
  const declared = new Set(report.groups.filter((g) => g.declared).map((g) => g.key));
  const edges = new Map<string, { from: string; to: string; onEksCreatedGroup: boolean; labels: Set<string> }>();
  for (const flow of report.flows) {
    for (const edge of flow.edges) {
      const key = `${edge.from}>${edge.to}`;
      const entry = edges.get(key) ?? { from: edge.from, to: edge.to, onEksCreatedGroup: false, labels: new Set<string>() };
      entry.onEksCreatedGroup = entry.onEksCreatedGroup || edge.onEksCreatedGroup;
      entry.labels.add(flowTraffic(flow));
      edges.set(key, entry);
    }
  }
  const lines = ['flowchart LR'];
  const nodes = new Set([...edges.values()].flatMap((e) => [e.from, e.to]));
  for (const key of nodes) {
    const style = vendor.has(key) ? 'vendor' : declared.has(key) ? 'owned' : 'external';
    const label = key.startsWith('cidr:') ? key.slice('cidr:'.length) : vendor.has(key) ? `${vendor.get(key)}<br/>EKS-created cluster SG` : key;
    lines.push(`  ${id(key)}["${escape(label)}"]:::${style}`);
  }
  const vendorEdges: number[] = [];
  [...edges.values()].forEach((edge, i) => {
    const arrow = edge.onEksCreatedGroup ? '-.->' : '-->';
    lines.push(`  ${id(edge.from)} ${arrow}|"${escape([...edge.labels].join(', '))}"| ${id(edge.to)}`);
    if (edge.onEksCreatedGroup) vendorEdges.push(i);
  });
  const missing = report.flows.filter((f) => !f.allowedBefore);
  if (missing.length > 0) {
    lines.push(`  missing["${escape(`missing: ${missing.map(describe).join('; ')}`)}"]:::vendor`);
  }
  lines.push(`  classDef vendor ${VENDOR_STYLE}`, `  classDef owned ${OWNED_STYLE}`, `  classDef external ${EXTERNAL_STYLE}`);
  if (vendorEdges.length > 0) lines.push(`  linkStyle ${vendorEdges.join(',')} stroke:#c62828,stroke-width:2px`);
  return `${lines.join('\n')}\n`;
}

/** Markdown for a pull request: verdict, the diagram, the flow table, problems and warnings. */
export function formatMarkdown(report: ConnectivityReport, assembly: string): string {
  const failed = report.flows.filter((f) => !flowPassed(f));
  const lines = [
    `## Connectivity of \`${assembly}\``,
    '',
    report.passed
      ? `All ${report.flows.length} required flows hold, also with every EKS-created security group stripped (incident replay).`
      : `**${failed.length} of ${report.flows.length} required flows fail.** Red dashed edges exist only through an EKS-created security group.`,
    ...report.unproven.map((u) => `**Unproven: ${u.cluster}**: ${u.reason}${u.acknowledged === undefined ? '' : ` (acknowledged: ${u.acknowledged})`}.`),
    '',
    '```mermaid',
    formatMermaid(report).trimEnd(),
    '```',
    '',
    '| Cluster | Flow | From → to | Protocol | Ports | Before | After replay | Rests on |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.flows.map((f) => `| ${cells([f.cluster, f.flowId, `${f.sourceLabel} → ${f.destinationLabel}`, f.protocol, f.ports,
      f.allowedBefore ? 'pass' : '**FAIL**', f.allowedAfterReplay ? 'pass' : '**FAIL**',
      f.restsOn.map((r) => `${r.onEksCreatedGroup ? '⚠ ' : ''}${r.stack}/${r.logicalId}`).join('<br/>')])} |`),
  ];
  if (failed.length > 0) lines.push('', '### Problems', '', ...failed.map((f) => `- ${f.cluster} ${f.flowId}: ${describeFailure(f)}`));
  if (report.warnings.length > 0) lines.push('', '### Warnings', '', ...report.warnings.map((w) => `- ${w}`));
  return `${lines.join('\n')}\n`;
}

function describe(flow: FlowCheck): string {
  return `${flow.flowId} ${flowTraffic(flow)}`;
}

function cells(values: string[]): string {
  return values.map((v) => v.replace(/\|/g, '\\|')).join(' | ');
}

// Mermaid labels are double-quoted; an HTML entity is the only safe way to carry a quote.
function escape(text: string): string {
  return text.replace(/"/g, '#quot;');
}
