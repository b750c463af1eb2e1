import { GuardrailAlarmKind, guardrailAlarmNames } from 'cdk-safe-eks/dist/lib/model/guardrail-names';
import { Snapshot } from './snapshot';

/** One line of the go/no-go table. */
export interface CheckLine {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Alarm states that are not go: a firing alarm, and one that cannot tell (no data is no proof). */
const NOT_GO = new Set(['ALARM', 'INSUFFICIENT_DATA']);

/**
 * The gate before traffic moves to a color, from what the account says: its fixed-name guardrail
 * alarms all OK; its cluster, node groups and add-ons ACTIVE without health issues; no upgrade insight
 * in ERROR; its target group (the one its healthy-hosts alarm watches) with at least the alarm's
 * minimum of healthy targets and none unhealthy.
 */
export function pairCheck(clusterName: string, snapshot: Snapshot): CheckLine[] {
  const lines: CheckLine[] = [];
  const names = guardrailAlarmNames(clusterName);
  const alarms = new Map(snapshot.alarms.MetricAlarms.map((a) => [a.AlarmName, a]));
  for (const name of Object.values(names)) {
    const alarm = alarms.get(name);
    lines.push(alarm === undefined
      ? { check: `alarm ${name}`, ok: false, detail: 'not found (deploy the color with its guardrails)' }
      : { check: `alarm ${name}`, ok: !NOT_GO.has(alarm.StateValue), detail: alarm.StateValue });
  }
  const cluster = snapshot.clusters.get(clusterName)?.cluster;
  const issues = (h?: { issues?: Array<{ code?: string }> }) => (h?.issues ?? []).map((i) => i.code ?? 'issue');
  if (cluster === undefined) {
    lines.push({ check: `cluster ${clusterName}`, ok: false, detail: 'not described (not in the assembly\'s stacks, or not deployed)' });
  } else {
    lines.push({ check: `cluster ${clusterName}`, ok: cluster.status === 'ACTIVE' && issues(cluster.health).length === 0, detail: [cluster.status, ...issues(cluster.health)].join(' ') });
  }
  for (const [name, { nodegroup }] of snapshot.nodegroups.get(clusterName) ?? []) {
    lines.push({ check: `node group ${name}`, ok: nodegroup.status === 'ACTIVE' && issues(nodegroup.health).length === 0, detail: [nodegroup.status, ...issues(nodegroup.health)].join(' ') });
  }
  for (const [name, { addon }] of snapshot.addons.get(clusterName) ?? []) {
    lines.push({ check: `add-on ${name}`, ok: addon.status === 'ACTIVE' && issues(addon.health).length === 0, detail: [addon.status, ...issues(addon.health)].join(' ') });
  }
  const failing = (snapshot.insights.get(clusterName)?.insights ?? []).filter((i) => i.insightStatus?.status === 'ERROR');
  lines.push({ check: 'upgrade insights', ok: failing.length === 0, detail: failing.length === 0 ? 'none in ERROR' : failing.map((i) => i.name ?? i.id).join(', ') });

  const healthyAlarm = alarms.get(names[GuardrailAlarmKind.HEALTHY_HOSTS]);
  const dimension = healthyAlarm?.Dimensions?.find((d) => d.Name === 'TargetGroup')?.Value;
  const targetGroup = dimension === undefined ? undefined : [...snapshot.stackResources].flatMap(([stack, { StackResources }]) => StackResources
    .filter((r) => r.ResourceType === 'AWS::ElasticLoadBalancingV2::TargetGroup' && r.PhysicalResourceId?.endsWith(`:${dimension}`))
    .map((r) => `${stack}.${r.LogicalResourceId}`))[0];
  const health = targetGroup === undefined ? undefined : snapshot.targetHealth.get(targetGroup);
  if (health === undefined) {
    lines.push({ check: 'target group', ok: false, detail: 'not found: the healthy-hosts alarm names no target group of the assembly\'s stacks' });
  } else {
    const states = health.TargetHealthDescriptions.map((d) => d.TargetHealth?.State ?? 'unknown');
    const healthy = states.filter((s) => s === 'healthy').length;
    const unhealthy = states.filter((s) => s === 'unhealthy').length;
    const minimum = healthyAlarm?.Threshold ?? 1;
    lines.push({ check: `target group ${targetGroup}`, ok: healthy >= minimum && unhealthy === 0, detail: `${healthy} healthy (minimum ${minimum}), ${unhealthy} unhealthy` });
  }
  return lines;
}

export function formatCheck(color: string, lines: readonly CheckLine[]): string {
  const go = lines.every((l) => l.ok);
  const width = Math.max(...lines.map((l) => l.check.length));
  const rows = lines.map((l) => `${l.ok ? 'ok  ' : 'FAIL'}  ${l.check.padEnd(width)}  ${l.detail}`);
  return `${go ? 'GO' : 'NO-GO'}: ${color}\n${rows.join('\n')}\n`;
}
