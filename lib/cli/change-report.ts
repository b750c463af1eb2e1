import { ChangeKind, ChangeReport, ResourceChange } from '../model/change-verdicts';

const ORDER = [ChangeKind.REPLACED, ChangeKind.REMOVED, ChangeKind.MAY_BE_REPLACED, ChangeKind.ADDED, ChangeKind.UPDATED];

/** Counts of resources per kind of change, e.g. `2 replaced, 1 updated, 140 unchanged`. */
export function changeCounts(report: ChangeReport): string {
  const counts = new Map<string, number>();
  for (const r of report.resources) counts.set(r.change, (counts.get(r.change) ?? 0) + 1);
  return [...ORDER, ChangeKind.UNCHANGED].filter((k) => counts.has(k)).map((k) => `${counts.get(k)} ${k}`).join(', ') || 'no resources';
}

function changed(report: ChangeReport): ResourceChange[] {
  return ORDER.flatMap((kind) => report.resources.filter((r) => r.change === kind));
}

function verdictLine(report: ChangeReport): string {
  return report.safe
    ? `SAFE: no cluster, owned security group, data store, key, secret, export in use or required flow is lost (${changeCounts(report)}).`
    : `UNSAFE: ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} (${changeCounts(report)}).`;
}

/** Plain-text report of `cdk-safe-eks diff`: changed resources, then findings, then the verdict. */
export function formatChangeText(report: ChangeReport): string {
  const lines: string[] = [];
  for (const s of report.stacksAdded) lines.push(`Stack ${s}: added`);
  for (const s of report.stacksRemoved) lines.push(`Stack ${s}: removed`);
  const resources = changed(report);
  if (resources.length > 0) {
    lines.push('Resources:');
    const width = Math.max(...resources.map((r) => `${r.stack}/${r.logicalId}`.length));
    for (const r of resources) {
      const changes = [...r.changedProperties, ...r.changedAttributes];
      const why = r.reasons.length > 0 ? `  ${r.reasons.join('; ')}` : changes.length > 0 ? `  (${changes.join(', ')})` : '';
      lines.push(`  ${r.unsafe ? '!' : ' '} ${r.change.padEnd(15)} ${`${r.stack}/${r.logicalId}`.padEnd(width)}  ${r.type}${why}`);
    }
  }
  if (report.findings.length > 0) {
    lines.push('', 'Unsafe:');
    for (const f of report.findings) lines.push(`  [${f.kind}] ${f.subject}: ${f.message}`, `      Fix: ${f.fix}`);
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  lines.push('', verdictLine(report));
  return `${lines.join('\n')}\n`;
}

/** Markdown for a pull request: the verdict, the findings, then a table of changed resources. */
export function formatChangeMarkdown(report: ChangeReport, before: string, after: string): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`## cdk-safe-eks diff: \`${before}\` -> \`${after}\``, '', `**${verdictLine(report)}**`, ''];
  if (report.findings.length > 0) {
    lines.push('| Finding | Subject | What happens | Fix |', '| --- | --- | --- | --- |');
    for (const f of report.findings) lines.push(`| ${f.kind} | \`${cell(f.subject)}\` | ${cell(f.message)} | ${cell(f.fix)} |`);
    lines.push('');
  }
  const resources = changed(report);
  if (resources.length > 0) {
    lines.push('| Change | Resource | Type | What changes, and why |', '| --- | --- | --- | --- |');
    for (const r of resources) {
      const why = r.reasons.length > 0 ? r.reasons.join('; ') : [...r.changedProperties, ...r.changedAttributes].join(', ');
      lines.push(`| ${r.unsafe ? '**' : ''}${r.change}${r.unsafe ? '**' : ''} | \`${r.stack}/${r.logicalId}\` | ${r.type} | ${cell(why)} |`);
    }
    lines.push('');
  }
  for (const w of report.warnings) lines.push(`> warning: ${cell(w)}`);
  return `${lines.join('\n').trimEnd()}\n`;
}
