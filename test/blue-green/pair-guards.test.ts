import fc from 'fast-check';
import { DesiredColor, GuardInput, checkPairChange } from '../../lib/blue-green/pair-guards';
import { RecordedPair } from '../../lib/blue-green/pair-state';
import { CLUSTER_RESOURCE_TYPES, ClusterSnapshot, clusterChange, clusterFingerprint, clusterResources } from '../../lib/blue-green/cluster-change';
import { IReplacementRules } from '../../lib/model/change-verdicts';
import { RENDERED_TYPES } from '../../lib/blue-green/pair-guard-run';

const colorAt = (version: string, weight: number, extra: Partial<DesiredColor> = {}): DesiredColor => ({
  version, weight, clusterName: `p-x-${version}`, fingerprint: `fp-${version}`, deletionProtection: true, ...extra,
});
// The create-only properties the tests need, as the resource schemas declare them.
const schema: IReplacementRules = {
  replacementPaths: (type) => ({ 'AWS::EKS::Cluster': [{ path: 'Name', conditional: false }], 'AWS::EKS::Nodegroup': [{ path: 'NodegroupName', conditional: false }] })[type],
};
const describeClusterChange = (recorded: ClusterSnapshot, next: ClusterSnapshot, rules: () => IReplacementRules) => clusterChange(recorded, next, rules)?.description;
const run = (input: Partial<GuardInput>) => checkPairChange({ pair: 'App/P', upgradeStrategy: 'REPLACE', ...input });

describe('checkPairChange', () => {
  test('the first deploy has nothing to compare with; only weights and the proof count', () => {
    expect(run({ blue: colorAt('1.33', 100) })).toEqual({ errors: [], warnings: [] });
    expect(run({ blue: colorAt('1.33', 60) }).errors).toEqual([
      'App/P: weights must sum to 100; got blue 60 + green retired = 60. Fix: set blue.weight and green.weight so that they add up to 100.',
    ]);
  });

  test('a color that serves traffic without deletion protection is refused, with its way out, unless the risk is accepted', () => {
    const unprotected = { blue: colorAt('1.33', 90), green: colorAt('1.34', 10, { deletionProtection: false }) };
    expect(run(unprotected)).toEqual({ warnings: [], errors: [
      'App/P: color Green: it serves traffic (weight 10) without deletion protection, so deleting its stack by mistake deletes the cluster and its traffic with it. '
        + 'Fix: protect it while its weight is 0 (green.deletionProtection true, deploy, `cdk-safe-eks pair record`), as `cdk-safe-eks pair plan` does before the first shift; '
        + 'or accept the risk with pair.acknowledgeRisk(PairColor.GREEN, PairRisk.UNPROTECTED_LIVE_COLOR, \'<reason>\')',
    ] });
    expect(run({ ...unprotected, acceptedRisks: { Green: { UnprotectedLiveColor: 'a test color, its stack is never deleted' } } })).toEqual({ errors: [], warnings: [{
      id: 'cdk-safe-eks:liveColorUnprotected',
      message: 'App/P: color Green: it serves traffic (weight 10) without deletion protection, so deleting its stack by mistake deletes the cluster and its traffic with it. '
        + 'Accepted: "a test color, its stack is never deleted".',
    }] });
    expect(run({ blue: colorAt('1.33', 100), green: colorAt('1.34', 0, { deletionProtection: false }) })).toEqual({ errors: [], warnings: [] });
  });

  test('a switch of the upgrade strategy is refused naming the switch, not as the clusters\' renames it causes', () => {
    const recorded: RecordedPair = { upgradeStrategy: 'REPLACE', blue: { ...colorAt('1.33', 100), clusterName: 'p-blue-1-33' }, green: { ...colorAt('1.33', 0), clusterName: 'p-green-1-33' } };
    const { errors } = run({ upgradeStrategy: 'IN_PLACE', recorded, blue: { ...colorAt('1.33', 100), clusterName: 'p-blue' }, green: { ...colorAt('1.33', 0), clusterName: 'p-green' } });
    expect(errors).toEqual(['App/P: the upgrade strategy cannot change while the pair has clusters: REPLACE puts the version in each cluster\'s name and IN_PLACE does not, '
      + 'so the switch renames, and so replaces, the cluster of every color, the live one included; got upgradeStrategy REPLACE (recorded) -> IN_PLACE. '
      + 'Fix: keep upgradeStrategy: UpgradeStrategy.REPLACE for this pair; to upgrade another way, create a new pair (its own ID or namePrefix) with that strategy beside this one and move the traffic to it']);
    expect(errors.join()).not.toContain('Name');
  });

  test('a pair with both colors retired is refused', () => {
    expect(run({}).errors).toEqual([expect.stringContaining('App/P: a pair needs a color that serves traffic; got blue and green both retired.')]);
  });

  test('the connectivity proof is asked only for colors that get weight, and its failures are named', () => {
    const asked: string[] = [];
    const result = run({
      blue: colorAt('1.33', 0), green: colorAt('1.34', 100),
      proofFailures: (c) => { asked.push(c); return ['NodesToDatabase nodes -> database tcp 5432 missing']; },
    });
    expect(asked).toEqual(['Green']);
    expect(result.errors).toEqual([expect.stringContaining('App/P: color Green: it may not receive weight 100: its connectivity proof fails (before or after the incident replay): NodesToDatabase nodes -> database tcp 5432 missing.')]);
  });

  const cluster = { Type: 'AWS::EKS::Cluster', Properties: { Name: 'p-blue', Version: '1.33' } };
  const nodegroup = { Type: 'AWS::EKS::Nodegroup', Properties: { NodegroupName: 'general', ScalingConfig: { MinSize: 2, DesiredSize: 3 } } };
  const snapshot = (version: string, resources: { [id: string]: unknown }) => {
    const r = clusterResources({ Resources: resources });
    return { version, fingerprint: clusterFingerprint(r), resources: r };
  };

  test('describeClusterChange names each changed resource as the change-safety diff judges it', () => {
    const before = snapshot('1.33', { Cluster: cluster, General: nodegroup });
    const resized = snapshot('1.33', { Cluster: cluster, General: { ...nodegroup, Properties: { ...nodegroup.Properties, ScalingConfig: { MinSize: 2, DesiredSize: 5 } } } });
    expect(describeClusterChange(before, resized, () => schema)).toBe('General (AWS::EKS::Nodegroup) updated: ScalingConfig.DesiredSize');
    const renamed = snapshot('1.34', { Cluster: { ...cluster, Properties: { Name: 'p-blue-2', Version: '1.34' } }, General: nodegroup });
    expect(describeClusterChange(before, renamed, () => schema)).toBe(
      'version 1.33 -> 1.34; Cluster (AWS::EKS::Cluster) replaced: Name (create-only: Name) changes');
    const withoutGroup = snapshot('1.33', { Cluster: cluster });
    expect(describeClusterChange(before, withoutGroup, () => schema)).toBe('General (AWS::EKS::Nodegroup) removed');
    // Only the resize is an update in place, which acknowledgeLiveUpdate may let through.
    expect([resized, renamed, withoutGroup].map((next) => clusterChange(before, next, () => schema)?.inPlaceOnly)).toEqual([true, false, false]);
  });

  test('describeClusterChange reads the schema only when the cluster changes', () => {
    const before = snapshot('1.33', { Cluster: cluster });
    const asked = jest.fn(() => schema);
    expect(describeClusterChange(before, snapshot('1.33', { Cluster: cluster }), asked)).toBeUndefined();
    expect(describeClusterChange(before, { ...before, version: '1.34' }, asked)).toBe('version 1.33 -> 1.34');
    expect(asked).not.toHaveBeenCalled();
  });

  test('a color recorded without resources (an older state file) is judged by its fingerprint', () => {
    expect(describeClusterChange({ version: '1.33', fingerprint: 'a' }, { version: '1.34', fingerprint: 'b', resources: {} }, () => schema)).toBe(
      'version 1.33 -> 1.34; cluster fingerprint a -> b (its cluster, node groups, launch templates or owned rules change; the state file records '
      + 'no resources for this color, so `cdk-safe-eks pair record` after the next deploy lets this message name them)');
    expect(describeClusterChange({ version: '1.33', fingerprint: 'a' }, { version: '1.33', fingerprint: 'a' }, () => schema)).toBeUndefined();
  });

  test('the guard asks for the schema only when a live color changes, and names what is replaced', () => {
    const asked = jest.fn(() => schema);
    const live = snapshot('1.33', { Cluster: cluster });
    const recorded: RecordedPair = { upgradeStrategy: 'REPLACE', blue: { ...live, weight: 100, clusterName: 'p-blue', deletionProtection: true } };
    const idleGreen = colorAt('1.34', 0, { deletionProtection: false });
    expect(run({ recorded, blue: { ...live, weight: 100, clusterName: 'p-blue', deletionProtection: true }, green: idleGreen, replacementRules: asked }).errors).toEqual([]);
    expect(asked).not.toHaveBeenCalled();
    const renamed = snapshot('1.33', { Cluster: { ...cluster, Properties: { ...cluster.Properties, Name: 'p-blue-2' } } });
    const errors = run({ recorded, blue: { ...renamed, weight: 100, clusterName: 'p-blue-2', deletionProtection: true }, green: idleGreen, replacementRules: asked }).errors;
    expect(errors).toEqual([expect.stringContaining('App/P: color Blue: it serves traffic (recorded weight 100, new weight 100), so its cluster must not change; '
      + 'got Cluster (AWS::EKS::Cluster) replaced: Name (create-only: Name) changes.')]);
    expect(asked).toHaveBeenCalledTimes(1);
  });

  test('acknowledgeLiveUpdate: a live color updated in place is a warning with the reason; a replacement or a new version is still refused', () => {
    const live = snapshot('1.33', { Cluster: cluster, General: nodegroup });
    const recorded: RecordedPair = { upgradeStrategy: 'REPLACE', blue: { ...live, weight: 100, clusterName: 'p-blue', deletionProtection: true } };
    const asDeployed = (s: ReturnType<typeof snapshot>) => ({ ...s, weight: 100, clusterName: 'p-blue', deletionProtection: true });
    const resized = snapshot('1.33', { Cluster: cluster, General: { ...nodegroup, Properties: { ...nodegroup.Properties, ScalingConfig: { MinSize: 2, DesiredSize: 6 } } } });
    const liveUpdates = { Blue: 'scale General for the sale' };
    // Without the acknowledgement the error says that this change could be acknowledged.
    expect(run({ recorded, blue: asDeployed(resized), replacementRules: () => schema }).errors).toEqual([expect.stringContaining(
      "this change is an update in place, so if it must reach the live cluster (a node group's size, a library release's new tag), acknowledge it with "
      + "pair.acknowledgeLiveUpdate(PairColor.BLUE, '<reason>')")]);
    expect(run({ recorded, blue: asDeployed(resized), replacementRules: () => schema, liveUpdates })).toEqual({
      errors: [],
      warnings: [{
        id: 'cdk-safe-eks:liveColorUpdated',
        message: 'App/P: color Blue: it serves traffic and its cluster is updated in place, as acknowledged ("scale General for the sale"): '
          + 'General (AWS::EKS::Nodegroup) updated: ScalingConfig.DesiredSize.',
      }],
    });
    const renamed = snapshot('1.33', { Cluster: { ...cluster, Properties: { ...cluster.Properties, Name: 'p-blue-2' } }, General: nodegroup });
    expect(run({ recorded, blue: asDeployed(renamed), replacementRules: () => schema, liveUpdates }).errors).toEqual([expect.stringContaining(
      'other than by updates in place, which acknowledgeLiveUpdate accepts; got Cluster (AWS::EKS::Cluster) replaced')]);
    const upgraded = snapshot('1.34', { Cluster: { ...cluster, Properties: { ...cluster.Properties, Version: '1.34' } }, General: nodegroup });
    expect(run({ recorded, blue: asDeployed(upgraded), replacementRules: () => schema, liveUpdates }).errors)
      .toEqual(expect.arrayContaining([expect.stringContaining('other than by updates in place, which acknowledgeLiveUpdate accepts; got version 1.33 -> 1.34;')]));
    const withoutGroup = snapshot('1.33', { Cluster: cluster });
    expect(run({ recorded, blue: asDeployed(withoutGroup), replacementRules: () => schema, liveUpdates }).errors).toEqual([expect.stringContaining('General (AWS::EKS::Nodegroup) removed')]);
  });

  test('the pair renders every type the fingerprint hashes', () => {
    expect([...CLUSTER_RESOURCE_TYPES].filter((t) => !RENDERED_TYPES.has(t))).toEqual([]);
  });

  test('clusterFingerprint ignores resources that are not the cluster, its nodes or rules, and key order', () => {
    const base = clusterFingerprint(clusterResources({ Resources: { C: cluster } }));
    expect(clusterFingerprint(clusterResources({ Resources: { C: { Properties: { Version: '1.33', Name: 'p-blue' }, Type: 'AWS::EKS::Cluster' }, O: { Type: 'AWS::IAM::Role' } } }))).toBe(base);
    expect(clusterFingerprint(clusterResources({ Resources: { C: { ...cluster, Properties: { Name: 'p-blue', Version: '1.34' } } } }))).not.toBe(base);
  });

  test('the fingerprint of a given cluster never changes across library releases (committed state files hold it)', () => {
    expect(clusterFingerprint(clusterResources({ Resources: { C: cluster } }))).toBe('047a4c8f080152b6');
  });
});

/**
 * A model of the pair over deploys: each step proposes versions, node-group sizes (part of the
 * fingerprint) and weights for both colors; an accepted step becomes the recorded state.
 */
describe('property: no accepted sequence changes the cluster of a color with weight above 0', () => {
  const step = fc.record({
    blueVersion: fc.integer({ min: 30, max: 36 }), greenVersion: fc.integer({ min: 30, max: 36 }),
    blueNodes: fc.integer({ min: 1, max: 3 }), greenNodes: fc.integer({ min: 1, max: 3 }),
    blueWeight: fc.constantFrom(0, 10, 50, 90, 100, 101), blueRetired: fc.boolean(), greenRetired: fc.boolean(),
    blueProtected: fc.boolean(), greenProtected: fc.boolean(),
  });
  // Each color carries the resources the guard diffs (a cluster and a node group), with their fingerprint.
  const desired = (v: number, nodes: number, weight: number, protectedCluster: boolean): DesiredColor => {
    const resources = clusterResources({
      Resources: {
        Cluster: { Type: 'AWS::EKS::Cluster', Properties: { Name: `p-${v}`, Version: `1.${v}`, DeletionProtection: protectedCluster } },
        General: { Type: 'AWS::EKS::Nodegroup', Properties: { ClusterName: { Ref: 'Cluster' }, ScalingConfig: { DesiredSize: nodes } } },
      },
    });
    return { version: `1.${v}`, weight, clusterName: `p-${v}`, fingerprint: clusterFingerprint(resources), resources, deletionProtection: protectedCluster };
  };

  const cases: Array<[string, { [color: string]: string } | undefined]> = [
    ['REPLACE', undefined], ['IN_PLACE', undefined], ['REPLACE', { Blue: 'resize', Green: 'resize' }], ['IN_PLACE', { Blue: 'resize', Green: 'resize' }],
  ];
  for (const [strategy, liveUpdates] of cases) {
    test(`${strategy}${liveUpdates ? ', live updates acknowledged on both colors' : ''}`, () => {
      fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let recorded: RecordedPair | undefined;
        for (const s of steps) {
          const blue = s.blueRetired ? undefined : desired(s.blueVersion, s.blueNodes, s.blueWeight, s.blueProtected);
          const green = s.greenRetired ? undefined : desired(s.greenVersion, s.greenNodes, 100 - s.blueWeight, s.greenProtected);
          const { errors } = checkPairChange({ pair: 'P', upgradeStrategy: strategy, recorded, blue, green, replacementRules: () => schema, liveUpdates });
          if (errors.length > 0) continue;
          if (recorded !== undefined) {
            for (const [before, after] of [[recorded.blue, blue], [recorded.green, green]]) {
              const live = (before?.weight ?? 0) > 0 || (after?.weight ?? 0) > 0;
              if (!live) continue;
              // A live color keeps its cluster: same version and name (a new name replaces it), never created or retired.
              // Without an acknowledgement nothing else changes either; with one, only updates in place do.
              const name = (c?: DesiredColor) => (c?.resources?.Cluster as { Properties: { Name: string } } | undefined)?.Properties.Name;
              expect(after?.version).toBe(before?.version);
              expect(name(after)).toBe(name(before));
              if (liveUpdates === undefined) expect(after?.resources).toEqual(before?.resources);
              expect(after?.version).toBe(before?.version);
            }
            // IN_PLACE never skips a minor version.
            if (strategy === 'IN_PLACE') {
              for (const [before, after] of [[recorded.blue, blue], [recorded.green, green]]) {
                if (before && after && before.version !== after.version) {
                  expect(Number(after.version.split('.')[1])).toBe(Number(before.version.split('.')[1]) + 1);
                }
              }
            }
          }
          recorded = { upgradeStrategy: strategy, blue, green };
        }
      }), { numRuns: 500 });
    });
  }
});
