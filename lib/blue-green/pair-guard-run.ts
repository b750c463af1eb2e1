import { Annotations, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct } from 'constructs';
import { CLUSTER_RESOURCE_TYPES, clusterFingerprint, clusterResources } from './cluster-change';
import { colorVersions } from './color-versions';
import { PAIR_COLORS, PairColor, colorKey } from './pair-color';
import { DesiredColor, checkPairChange } from './pair-guards';
import { BlueGreenColorOptions } from './pair-props';
import { PairPlace, PairStackNames, RecordedPair, sortKeys } from './pair-state';
import { UpgradeStrategy } from './upgrade-strategy';
import { CloudFormationSchema } from '../checks/cloudformation-schema';
import { SafeCluster } from '../cluster/safe-cluster';
import { SafeNodegroup } from '../cluster/safe-nodegroup';
import { FlowModel } from '../model/flow-model';
import { RequiredFlows } from '../model/required-flows';
import { MODELLED_TYPES } from '../model/resource-types';
import { RenderedTemplate, renderStack } from '../private/cdk-internals';

/** What the guards of a pair read from it, at synth. */
export interface PairGuardSubject {
  /** The pair: its path names it in messages and keys it in the state file. */
  readonly pair: IConstruct;
  /** Its path, account and region, recorded with its colors. */
  readonly place: PairPlace;
  readonly sharedStack: Stack;
  readonly upgradeStrategy: UpgradeStrategy;
  readonly stateFile: string;
  readonly recorded?: RecordedPair;
  readonly colorOptions: (color: PairColor) => BlueGreenColorOptions | undefined;
  readonly clusterOf: (color: PairColor) => SafeCluster | undefined;
  /** The stores added with `addDataStore` (the list grows after the pair is built). */
  readonly dataStores: readonly unknown[];
  /** Reasons given to `acknowledgeLiveUpdate`, by color. */
  readonly liveUpdates: { readonly [color: string]: string };
  /** Reasons given to `acknowledgeRisk`, by color and risk. */
  readonly acceptedRisks: { readonly [color: string]: { readonly [risk: string]: string } };
  /** The traffic shift shares a load balancer, whose flow to the nodes each serving color must prove. */
  readonly loadBalancer: boolean;
  /** The CloudFormation names of the pair's stacks, for the commands that read what is deployed. */
  readonly stackNames: PairStackNames;
}

type Renderer = (stack: Stack) => RenderedTemplate;

/**
 * Runs the pair's guards at synth (the recorded state against what is about to be deployed, each color's
 * connectivity proof) and writes what they validated for `pair record`.
 */
export class PairGuardRun {
  /** Read on first use only: when a live color's cluster changes and the guard names what is replaced. */
  private schema?: CloudFormationSchema;
  /** What the guard validated in this synthesis, for the assembly file `pair record` reads. */
  private validatedColors?: { readonly blue?: DesiredColor; readonly green?: DesiredColor };

  constructor(private readonly subject: PairGuardSubject) {}

  /** The guards' errors; their warnings go on `warnOn`. */
  public validate(warnOn: Stack): string[] {
    // Rendered once per pass: each color's template serves its fingerprint and its proof, Shared both proofs.
    const render = renderer();
    const colors = { blue: this.desired(PairColor.BLUE, render), green: this.desired(PairColor.GREEN, render) };
    this.validatedColors = colors;
    const result = checkPairChange({
      pair: this.subject.pair.node.path,
      upgradeStrategy: this.subject.upgradeStrategy,
      recorded: this.subject.recorded,
      ...colors,
      proofFailures: (color) => this.proofFailures(color, render),
      replacementRules: () => (this.schema ??= new CloudFormationSchema()),
      liveUpdates: this.subject.liveUpdates,
      acceptedRisks: this.subject.acceptedRisks,
    });
    for (const warning of result.warnings) Annotations.of(warnOn).addWarningV2(warning.id, warning.message);
    return result.errors;
  }

  /** The pair's desired state, as `pair record` reads it from the assembly. */
  public desiredStateJson(): string {
    // The colors the guard just validated, when it ran in this synthesis (it runs right before the
    // synthesizers); taken once, so a later synthesis without validation renders afresh.
    const render = renderer();
    const colors = this.validatedColors ?? { blue: this.desired(PairColor.BLUE, render), green: this.desired(PairColor.GREEN, render) };
    this.validatedColors = undefined;
    const { place, stateFile, upgradeStrategy } = this.subject;
    // Beside the colors, not in them (the colors are what the state file records): what `pair record --from-deployed` needs to read deployed templates.
    const nodegroupLogicalIds = Object.fromEntries(PAIR_COLORS.filter((c) => colors[colorKey(c)] !== undefined).map((c) => [colorKey(c), this.nodegroupLogicalIds(c)]));
    const state = { pair: place.path, account: place.account, region: place.region, stateFile, upgradeStrategy, stacks: this.subject.stackNames, nodegroupLogicalIds, ...colors };
    return `${JSON.stringify(sortKeys(state), null, 2)}\n`;
  }

  /** What is about to be deployed, per color, for the guards and for `pair record`. */
  private desired(color: PairColor, render: Renderer): DesiredColor | undefined {
    const options = this.subject.colorOptions(color);
    const cluster = this.subject.clusterOf(color);
    if (options === undefined || cluster === undefined) return undefined;
    const resources = clusterResources(render(Stack.of(cluster)));
    return {
      version: options.version.version, weight: options.weight ?? 0, clusterName: cluster.clusterName,
      fingerprint: clusterFingerprint(resources), resources, deletionProtection: options.deletionProtection ?? true,
      ...colorVersions(resources, this.nodegroupLogicalIds(color)),
    };
  }

  /** The logical ID of each node group of the color's cluster, by the ID the pair adds it under in `nodegroups` (one "General" by default). */
  private nodegroupLogicalIds(color: PairColor): { [id: string]: string } {
    const cluster = this.subject.clusterOf(color)!;
    return Object.fromEntries(Object.keys(this.subject.colorOptions(color)!.nodegroups ?? { General: {} }).map((id) => {
      const nodegroup = cluster.node.findChild(id) as SafeNodegroup;
      return [id, Stack.of(cluster).resolve((nodegroup.nodegroup.node.defaultChild as eks.CfnNodegroup).logicalId) as string];
    }));
  }

  /** The color's flows, proven on its own and the Shared templates, before and after the incident replay. */
  private proofFailures(color: PairColor, render: Renderer): string[] {
    const cluster = this.subject.clusterOf(color)!;
    const stack = Stack.of(cluster);
    const shared = this.subject.sharedStack;
    const model = FlowModel.fromTemplates([
      { stackName: shared.stackName, template: render(shared) },
      { stackName: stack.stackName, template: render(stack) },
    ]);
    const clusterKey = `${stack.stackName}/${stack.resolve((cluster.cluster.node.defaultChild as eks.CfnCluster).logicalId)}`;
    const report = model.evaluate({ clusters: [clusterKey] });
    const failures = report.flows.filter((f) => !(f.allowedBefore && f.allowedAfterReplay))
      .map((f) => `${f.flowId} ${f.sourceLabel} -> ${f.destinationLabel} ${f.protocol} ${f.ports} ${f.allowedBefore ? 'lost in the replay' : 'missing'}`);
    const storeFlowIds = [RequiredFlows.NODES_TO_DATABASE, RequiredFlows.NODES_TO_CACHE];
    const storeFlows = report.flows.filter((f) => storeFlowIds.includes(f.flowId)).length;
    const stores = this.subject.dataStores.length;
    if (storeFlows < stores) failures.push(`only ${storeFlows} of the ${stores} data stores added with addDataStore have a flow from the nodes`);
    if (this.subject.loadBalancer && !report.flows.some((f) => f.flowId === RequiredFlows.LOAD_BALANCER_TO_NODES)) {
      failures.push(`no ${RequiredFlows.LOAD_BALANCER_TO_NODES} flow from the shared load balancer`);
    }
    return failures;
  }
}

/** The resources the flow model reads and those the fingerprint hashes: each rendered pass serves both. */
export const RENDERED_TYPES: ReadonlySet<string> = new Set([...MODELLED_TYPES, ...CLUSTER_RESOURCE_TYPES]);

/** Renders each stack at most once (`RENDERED_TYPES`); a new renderer per pass, since the tree may change between passes. */
function renderer(): Renderer {
  const cache = new Map<Stack, RenderedTemplate>();
  return (stack) => {
    let template = cache.get(stack);
    if (template === undefined) cache.set(stack, template = renderStack(stack, RENDERED_TYPES));
    return template;
  };
}
