import { PairChangeIntent, PAIR_COLOR_METADATA_KEY, PAIR_WEIGHTS_METADATA_KEY } from '../../lib/blue-green/pair-change-intent';
import { ChangeSafety } from '../../lib/model/change-safety';
import { ChangeKind, FindingKind, IReplacementRules } from '../../lib/model/change-verdicts';
import { StackTemplate } from '../../lib/model/stack-template';

// The pair's intent, registered with the diff engine: the engine itself knows no pairs.
const rules: IReplacementRules = { replacementPaths: (type) => (type === 'AWS::EKS::Cluster' ? [{ path: 'Name', conditional: false }] : []) };
const intents = [new PairChangeIntent()];

function stack(stackName: string, resources: { [id: string]: unknown }): StackTemplate {
  return { stackName, template: { Resources: resources } };
}

const cluster = (props: { [key: string]: unknown }) => ({ Type: 'AWS::EKS::Cluster', Properties: { Version: '1.33', ...props } });

function verdict(report: ReturnType<typeof ChangeSafety.compare>, logicalId: string) {
  return report.resources.find((r) => r.logicalId === logicalId);
}

describe('blue-green pairs: the idle color is replaced by design', () => {
  const marked = (props: { [key: string]: unknown }) => ({
    ...cluster(props), Metadata: { [PAIR_COLOR_METADATA_KEY]: { pair: 'P', color: 'Green' } },
  });
  const traffic = (green: number) => ({
    stackName: 'P-Traffic', template: { Resources: {}, Metadata: { [PAIR_WEIGHTS_METADATA_KEY]: { pair: 'P', weights: { Blue: 100 - green, Green: green } } } },
  });
  const compare = (green: number, protectedBefore: boolean) => ChangeSafety.compare(
    [stack('P-Green', { Cluster: marked({ Name: 'p-green-1-33', DeletionProtection: protectedBefore }) }), traffic(green)],
    [stack('P-Green', { Cluster: marked({ Name: 'p-green-1-34', DeletionProtection: false }) }), traffic(green)], rules, { intents });

  test('weight 0 and no deletion protection: the replacement is safe, with a note', () => {
    const report = compare(0, false);
    expect(report.safe).toBe(true);
    expect(verdict(report, 'Cluster')).toMatchObject({ change: ChangeKind.REPLACED, unsafe: false });
    expect(report.warnings).toEqual(expect.arrayContaining([expect.stringContaining('the idle Green cluster of pair P (weight 0, not protected) is replaced')]));
  });

  test('weight 0 but still protected: unsafe, and the note says to turn protection off first', () => {
    const report = compare(0, true);
    expect(report.safe).toBe(false);
    expect(report.warnings).toEqual(expect.arrayContaining([expect.stringContaining('still deletion-protected')]));
  });

  test('weight 0 and no deletion protection: retiring the color (its cluster and groups leave its stack) is safe, with a note', () => {
    const before = (green: number, isProtected: boolean) => [stack('P-Green', {
      Cluster: marked({ Name: 'p-green-1-33', DeletionProtection: isProtected }), Nodes: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'nodes' } },
    }), traffic(green)];
    const retire = (green: number, isProtected: boolean) => ChangeSafety.compare(before(green, isProtected), [stack('P-Green', {}), traffic(green)], rules, { intents });
    const report = retire(0, false);
    expect(report.findings).toEqual([]);
    expect(report.resources.map((r) => [r.logicalId, r.change, r.unsafe])).toEqual([['Cluster', ChangeKind.REMOVED, false], ['Nodes', ChangeKind.REMOVED, false]]);
    expect(report.warnings).toEqual(expect.arrayContaining([expect.stringContaining('the idle Green cluster of pair P (weight 0, not protected) is removed: the color is retired')]));
    expect(retire(0, true).findings.map((f) => f.kind)).toEqual(expect.arrayContaining([FindingKind.PROTECTED_REMOVED, FindingKind.REMOVED]));
    expect(retire(10, false).findings.map((f) => f.kind)).toEqual([FindingKind.REMOVED, FindingKind.REMOVED]);
  });

  test('a color with weight is never replaced safely', () => {
    const report = compare(10, false);
    expect(report.safe).toBe(false);
    expect(report.findings.map((f) => f.kind)).toContain(FindingKind.REPLACED);
  });
});

describe('PairChangeIntent reads only what the pair recorded', () => {
  const marked = (color: string) => ({ ...cluster({ Name: 'p-green-1-33', DeletionProtection: false }), Metadata: { [PAIR_COLOR_METADATA_KEY]: { pair: 'P', color } } });
  const traffic = (pair: string, green: number) => ({
    stackName: 'P-Traffic', template: { Resources: {}, Metadata: { [PAIR_WEIGHTS_METADATA_KEY]: { pair, weights: { Blue: 100 - green, Green: green } } } },
  });
  const replace = (resource: object, weights: StackTemplate[], withIntents = intents) => ChangeSafety.compare(
    [stack('P-Green', { Cluster: resource }), ...weights],
    [stack('P-Green', { Cluster: { ...resource, Properties: { ...(resource as { Properties: object }).Properties, Name: 'p-green-1-34' } } }), ...weights],
    rules, { intents: withIntents });

  test('registered, the idle color\'s replacement is safe; not registered, the engine alone calls it unsafe', () => {
    expect(replace(marked('Green'), [traffic('P', 0)]).safe).toBe(true);
    expect(replace(marked('Green'), [traffic('P', 0)], []).findings.map((f) => f.kind)).toEqual([FindingKind.REPLACED]);
  });

  test('no mark, the weights of another pair, or no Traffic stack: the replacement stays unsafe', () => {
    expect(replace(cluster({ Name: 'p-green-1-33', DeletionProtection: false }), [traffic('P', 0)]).safe).toBe(false);
    expect(replace(marked('Green'), [traffic('Other', 0)]).safe).toBe(false);
    expect(replace(marked('Green'), []).safe).toBe(false);
    expect(replace(marked('Blue'), [traffic('P', 0)]).safe).toBe(false);
  });
});

describe('idle means weight 0 before and after the deploy', () => {
  const marked = { ...cluster({ Name: 'p-green-1-33', DeletionProtection: false }), Metadata: { [PAIR_COLOR_METADATA_KEY]: { pair: 'P', color: 'Green' } } };
  const traffic = (green: number) => ({
    stackName: 'P-Traffic', template: { Resources: {}, Metadata: { [PAIR_WEIGHTS_METADATA_KEY]: { pair: 'P', weights: { Blue: 100 - green, Green: green } } } },
  });
  const upgrade = (after: StackTemplate[]) => ChangeSafety.compare(
    [stack('P-Green', { Cluster: marked }), traffic(0)],
    [stack('P-Green', { Cluster: { ...marked, Properties: { ...marked.Properties, Name: 'p-green-1-34' } } }), ...after], rules, { intents });

  test('replacing the idle color and giving it weight 100 in one deploy is unsafe, and the note says to shift later', () => {
    const report = upgrade([traffic(100)]);
    expect(report.safe).toBe(false);
    expect(report.findings.map((f) => [f.kind, f.subject])).toEqual([[FindingKind.REPLACED, 'P-Green/Cluster']]);
    expect(report.warnings).toContain('P-Green/Cluster: the idle Green cluster of pair P is replaced while this deploy gives it weight 100: '
      + 'traffic would reach a new, empty cluster. Deploy the color at weight 0 first and shift in a later deploy (`cdk-safe-eks pair plan` prints the steps).');
  });

  test('any weight counts, and new templates without the pair\'s weights are not proof of idleness', () => {
    expect(upgrade([traffic(1)]).safe).toBe(false);
    expect(upgrade([]).safe).toBe(false);
    expect(upgrade([]).warnings).toEqual(expect.arrayContaining([expect.stringContaining("while this deploy drops the pair's Traffic stack or its weights")]));
    expect(upgrade([traffic(0)]).safe).toBe(true);
  });
});
