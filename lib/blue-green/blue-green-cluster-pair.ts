import * as path from 'path';
import { Annotations, CfnWaitConditionHandle, RemovalPolicy, Stack, Stage, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { AssemblyFile, AssemblyFileSynthesizer } from './assembly-file-synthesizer';
import { PairAlerts } from './pair-alerts';
import { PAIR_COLOR_METADATA_KEY, PAIR_WEIGHTS_METADATA_KEY } from './pair-change-intent';
import { PAIR_COLORS, PairColor, colorKey } from './pair-color';
import { PairGuardRun } from './pair-guard-run';
import {
  checkColorArgument, checkDataStoreArgument, checkLiveUpdateReason, checkPairConfiguration, checkPairProps, checkRiskArgument,
} from './pair-input-checks';
import { PairRisk } from './pair-risk';
import { BlueGreenClusterPairProps, BlueGreenColorOptions } from './pair-props';
import { DEFAULT_STATE_FILE, PairPlace, PairStateError, RecordedPair, pairAssemblyFileName, readStateFile, recordedPairAt } from './pair-state';
import { PairStack } from './pair-stack';
import { DEFAULT_ZONE_SUFFIXES } from './pair-subnets';
import { createPairVpc, pairVpcCidr } from './pair-vpc';
import { SharedExports } from './shared-exports';
import { ITrafficShiftBinding } from './traffic-shift-binding';
import { UpgradeStrategy } from './upgrade-strategy';
import { SafeCluster } from '../cluster/safe-cluster';
import { IDependentDataStore } from '../data/data-store-access';
import { SafeEksError } from '../private/errors';
import { requireScope } from '../private/guards';
import { limitGrantsToAwsResources } from '../private/kms';

/**
 * A blue-green pair of `SafeCluster`s in four stacks, so that an upgrade only ever touches the idle color:
 *
 * - `<id>-Shared`: the VPC, KMS keys, what the traffic shift shares (with `TrafficShift.albWeighted`, the
 *   load balancer with one target group per color), and the data stores you add (`addDataStore`). Its
 *   template does not depend on the colors: it exports fixed names that the colors import, so no color
 *   change ever updates it.
 * - `<id>-Blue`, `<id>-Green`: one cluster each, with the color's rules to the data stores and from the
 *   load balancer, owned and proven in the color's stack, and a TargetGroupBinding manifest (output and
 *   `<stack>.targetgroupbinding.yaml` in the assembly). A retired color's stack holds one placeholder
 *   (`AWS::CloudFormation::WaitConditionHandle`), so `cdk deploy` and a pipeline both deploy it; delete
 *   the stack with `cdk destroy` when the color is not coming back.
 * - `<id>-Traffic`: only the weights.
 *
 * At synth the pair reads the last deployed state (`cdk-safe-eks pair record`) and refuses any change of
 * a color that serves traffic other than its weight, weights that do not sum to 100, weight for a color
 * whose connectivity proof fails, retiring a live or protected color, and skipped minor versions in place.
 */
export class BlueGreenClusterPair extends Construct {
  /** The stack of the VPC, keys, load balancer and data stores. */
  public readonly sharedStack: Stack;
  /** The stack of the Blue cluster. */
  public readonly blueStack: Stack;
  /** The stack of the Green cluster. */
  public readonly greenStack: Stack;
  /** The stack of the weights. */
  public readonly trafficStack: Stack;
  /** The VPC of both colors: in the Shared stack, or the one given as `vpc`. */
  public readonly vpc: ec2.IVpc;
  /** The Blue cluster, unless Blue is retired. */
  public readonly blue?: SafeCluster;
  /** The Green cluster, unless Green is retired. */
  public readonly green?: SafeCluster;
  /** The shared load balancer, with `TrafficShift.albWeighted`. */
  public readonly loadBalancer?: elbv2.ApplicationLoadBalancer;
  /** How the idle color moves to a new version. */
  public readonly upgradeStrategy: UpgradeStrategy;

  private readonly props: BlueGreenClusterPairProps;
  private readonly prefix: string;
  private readonly stateFile: string;
  /** Where the pair lives: its path keys its entry in the state file, its account and region are checked against it. */
  private readonly place: PairPlace;
  private readonly recorded?: RecordedPair;
  private readonly dataStores: IDependentDataStore[] = [];
  private readonly traffic: ITrafficShiftBinding;
  /** What the colors' guardrails share, unless `guardrails` is false. */
  private readonly alerts?: PairAlerts;
  /** What the traffic shift adds to each color's assembly files, by color. */
  private readonly colorFiles: { [color: string]: AssemblyFile[] } = {};
  /** Reasons given to `acknowledgeLiveUpdate`, by color name as the guard names colors. */
  private readonly liveUpdates: { [color: string]: string } = {};
  /** Reasons given to `acknowledgeRisk`, by color and risk. */
  private readonly acceptedRisks: { [color: string]: { [risk: string]: string } } = {};
  private readonly guards: PairGuardRun;

  constructor(scope: Construct, id: string, props: BlueGreenClusterPairProps) {
    super(requireScope('BlueGreenClusterPair', scope, id), id);
    checkPairProps(this, props);
    if (!Stage.isStage(scope)) {
      throw new SafeEksError(this, 'PairScope', 'a BlueGreenClusterPair makes four stacks of its own, so its scope must be an App or a Stage.',
        scope.node.path || 'the root', 'create the pair directly in the App (or a Stage), not inside a Stack');
    }
    this.props = props;
    this.upgradeStrategy = props.upgradeStrategy ?? UpgradeStrategy.REPLACE;
    this.prefix = props.namePrefix ?? id.toLowerCase();
    checkPairConfiguration(this, props, this.prefix);
    this.stateFile = path.resolve(props.stateFile ?? DEFAULT_STATE_FILE);
    const literal = (value?: string) => (value === undefined || Token.isUnresolved(value) ? undefined : value);
    this.place = { path: this.node.path, id, account: literal(props.env.account), region: literal(props.env.region) };
    try {
      this.recorded = recordedPairAt(readStateFile(this.stateFile), this.stateFile, this.place);
    } catch (e) {
      if (!(e instanceof PairStateError)) throw e;
      throw new SafeEksError(this, e.code, e.statement, e.problem, e.fix);
    }

    const azs = props.vpc?.availabilityZones ?? props.availabilityZones ?? DEFAULT_ZONE_SUFFIXES.map((z) => `${props.env.region}${z}`);
    this.sharedStack = new PairStack(scope, `${id}-Shared`, {
      env: props.env, zones: azs, terminationProtection: true,
      description: `cdk-safe-eks pair ${id}: VPC, keys, load balancer and data stores; never changed by a color`,
    });
    const shared = new SharedExports(this.sharedStack);
    const vpcCidr = pairVpcCidr(props.vpc, props.vpcCidr);
    this.vpc = props.vpc ?? createPairVpc(this.sharedStack, vpcCidr, azs);
    shared.exportVpc(this.vpc, vpcCidr);
    for (const color of PAIR_COLORS) {
      // One key per color, in Shared: a color's cluster is replaced, its key (and what it encrypted) stays.
      const key = limitGrantsToAwsResources(new kms.Key(this.sharedStack, `${color}SecretsKey`, {
        description: `Envelope encryption of Kubernetes secrets of the ${color} cluster of pair ${id}`,
        enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN,
      }));
      shared.exportValue(`${color}SecretsKeyArn`, key.keyArn);
    }
    if (props.guardrails ?? true) this.alerts = new PairAlerts(id, this.sharedStack, shared, props);
    this.traffic = props.trafficShift.bind(this, {
      pairId: id, sharedStack: this.sharedStack, vpc: this.vpc, vpcCidr, namePrefix: this.prefix, sharedExports: shared,
    });
    this.loadBalancer = this.traffic.loadBalancer;

    const colorStacks = PAIR_COLORS.map((color) => this.createColorStack(scope, color, shared, azs));
    [this.blueStack, this.greenStack] = colorStacks.map((c) => c.stack);
    [this.blue, this.green] = colorStacks.map((c) => c.cluster);

    this.trafficStack = new PairStack(scope, `${id}-Traffic`, {
      env: props.env, zones: azs,
      description: `cdk-safe-eks pair ${id}: traffic weights only`,
      synthesizer: new AssemblyFileSynthesizer(() => [{ fileName: pairAssemblyFileName(id), content: this.guards.desiredStateJson() }]),
    });
    this.trafficStack.addStackDependency(this.sharedStack, 'imports the listener and target groups');
    // The listener -> target flows are owned by each color's stack (load balancer egress and node ingress).
    Annotations.of(this.trafficStack).acknowledgeWarning('@aws-cdk/aws-elbv2:albTargetGroupCannotRegisterListener',
      'Each color stack writes the load balancer -> nodes rules itself, on groups it owns.');
    this.createWeights();

    this.guards = new PairGuardRun({
      pair: this, place: this.place, sharedStack: this.sharedStack, upgradeStrategy: this.upgradeStrategy, stateFile: this.stateFile, recorded: this.recorded,
      colorOptions: (color) => this.colorOptions(color), clusterOf: (color) => this.clusterOf(color),
      dataStores: this.dataStores, liveUpdates: this.liveUpdates, acceptedRisks: this.acceptedRisks, loadBalancer: this.loadBalancer !== undefined,
      stackNames: { shared: this.sharedStack.stackName, blue: this.blueStack.stackName, green: this.greenStack.stackName, traffic: this.trafficStack.stackName },
    });
    this.node.addValidation({ validate: () => this.guards.validate(this.trafficStack) });
  }

  /**
   * Lets both colors' nodes reach a database or cache of the Shared stack, with rules written in each
   * color's stack (see `IDependentDataStore.allowFrom`), and makes its flow part of each color's proof.
   */
  public addDataStore(store: IDependentDataStore): void {
    checkDataStoreArgument(this, store);
    if (Stack.of(store).nestedStackParent === this.sharedStack) {
      // Each color's proof is rendered from the Shared template itself; a nested template is not part of it.
      throw new SafeEksError(this, 'StoreInNestedStack', 'data stores of a pair live in its Shared stack itself: each color is proven against the Shared template, which does not hold the resources of its nested stacks.',
        `${store.node.path} in nested stack ${Stack.of(store).node.path}`, `create the store with scope pair.sharedStack, e.g. new DependentDatabase(pair.sharedStack, '${store.node.id}', { vpc: pair.vpc })`);
    }
    if (Stack.of(store) !== this.sharedStack) {
      throw new SafeEksError(this, 'DataStoreOutsideShared', 'data stores of a pair live in its Shared stack, which no color change touches.',
        `${store.node.path} in stack ${Stack.of(store).stackName}`, `create the store with scope pair.sharedStack, e.g. new DependentDatabase(pair.sharedStack, '${store.node.id}', { vpc: pair.vpc })`);
    }
    if (this.dataStores.includes(store)) {
      throw new SafeEksError(this, 'DataStoreAddedTwice', 'this data store was already added to the pair.', store.node.path,
        'call addDataStore once per store: both colors get their rules to it from that one call');
    }
    this.dataStores.push(store);
    for (const cluster of [this.blue, this.green]) if (cluster) store.allowFrom(cluster);
  }

  /**
   * Lets the cluster of `color` be updated in place while it serves traffic: a node group resized, a
   * tag or rule a new release of this library adds. The guard still refuses a new version and any
   * resource the change-safety diff says is replaced or removed, and warns with `reason` for the rest.
   * Remove the call once the change is deployed and recorded.
   */
  public acknowledgeLiveUpdate(color: PairColor, reason: string): void {
    checkColorArgument(this, color, 'acknowledgeLiveUpdate');
    checkLiveUpdateReason(this, reason);
    if (this.colorOptions(color) === undefined) {
      throw new SafeEksError(this, 'RetiredColor', `color ${color} is retired, so it has no cluster to update.`, `acknowledgeLiveUpdate(PairColor.${color.toUpperCase()})`,
        'remove the call, or give the color its options again');
    }
    this.liveUpdates[color] = reason;
  }

  /**
   * Accepts a risk of the next deploy of `color` that synthesis otherwise refuses (see `PairRisk`): it
   * becomes a warning with `reason`. Remove the call once the change is deployed and recorded.
   */
  public acknowledgeRisk(color: PairColor, risk: PairRisk, reason: string): void {
    checkColorArgument(this, color, 'acknowledgeRisk');
    checkRiskArgument(this, risk);
    checkLiveUpdateReason(this, reason, 'acknowledgeRisk');
    (this.acceptedRisks[color] ??= {})[risk] = reason;
  }

  /** The cluster of `color`, or undefined when that color is retired. */
  public clusterOf(color: PairColor): SafeCluster | undefined {
    checkColorArgument(this, color);
    return color === PairColor.BLUE ? this.blue : this.green;
  }

  private colorOptions(color: PairColor): BlueGreenColorOptions | undefined {
    return this.props[colorKey(color)];
  }

  private clusterName(color: PairColor, options: BlueGreenColorOptions): string {
    const base = `${this.prefix}-${color.toLowerCase()}`;
    return this.upgradeStrategy === UpgradeStrategy.IN_PLACE ? base : `${base}-${options.version.version.replace(/\./g, '-')}`;
  }

  private createColorStack(scope: Construct, color: PairColor, shared: SharedExports, azs: string[]): { stack: Stack; cluster?: SafeCluster } {
    const options = this.colorOptions(color);
    const stack: Stack = new PairStack(scope, `${this.node.id}-${color}`, {
      env: this.props.env, zones: azs,
      // A retired color's stack holds only its placeholder.
      analyticsReporting: options === undefined ? false : undefined,
      description: `cdk-safe-eks pair ${this.node.id}: the ${color} cluster`,
      synthesizer: new AssemblyFileSynthesizer(() => this.colorFiles[color] ?? []),
    });
    if (options === undefined) {
      // CloudFormation refuses a template without resources, and a pipeline deploys each stack of the
      // app: one resource that creates nothing and costs nothing keeps the retired stack deployable.
      new CfnWaitConditionHandle(stack, 'Retired');
      return { stack };
    }
    stack.addStackDependency(this.sharedStack, 'imports the VPC, its key and the load balancer group');
    const cluster = new SafeCluster(stack, 'Cluster', {
      clusterName: this.clusterName(color, options),
      version: options.version,
      vpc: shared.importVpc(stack, azs),
      adminRoles: (this.props.adminRoleArns ?? []).map((arn, i) => iam.Role.fromRoleArn(stack, `AdminRole${i}`, arn)),
      defaultCapacity: 0,
      secretsEncryptionKey: kms.Key.fromKeyArn(stack, 'SecretsKey', shared.importValue(`${color}SecretsKeyArn`)),
      deletionProtection: options.deletionProtection ?? true,
      addonVersions: options.addonVersions,
      unlistedAddonVersionReason: options.unlistedAddonVersionReason,
    });
    for (const [ngId, ngOptions] of Object.entries(options.nodegroups ?? { General: {} })) cluster.addNodegroup(ngId, ngOptions);
    // Constant per color (the weight lives in Traffic): lets `diff` tell the idle color's replacement from a live one.
    // By path, so that the pairs of two Stages, which share an ID, are never read with each other's weights.
    (cluster.cluster.node.defaultChild as eks.CfnCluster).addMetadata(PAIR_COLOR_METADATA_KEY, { pair: this.node.path, color });
    Validations.of(cluster).acknowledge({
      id: 'cdk-validator-cfnguard::eks_secrets_encrypted_check',
      reason: 'Secrets are envelope-encrypted with this color\'s KMS key, kept in the Shared stack so it outlives the cluster; the template names it by an imported ARN, which the Guard rule cannot read.',
    });
    Annotations.of(cluster).acknowledgeWarning('@aws-cdk/aws-eks:clusterMustManuallyTagSubnet',
      'The Shared stack tags the subnets of the pair for load balancers (kubernetes.io/role/elb and internal-elb).');
    const binding = this.traffic.bindColor({ color, stack, cluster });
    this.colorFiles[color] = binding.files;
    // The AWS Load Balancer Controller registers the color's pods in its target group (TargetGroupBinding), and nothing else.
    if (binding.targetGroup !== undefined) cluster.enableLoadBalancerController([binding.targetGroup]);
    this.alerts?.guard(cluster, binding.targetGroup, options.minHealthyHosts);
    return { stack, cluster };
  }

  private createWeights(): void {
    const stack = this.trafficStack;
    const weights = PAIR_COLORS.map((color) => ({ color, weight: this.colorOptions(color)?.weight ?? 0, retired: this.colorOptions(color) === undefined }));
    // Read by `cdk-safe-eks diff` (PairChangeIntent): a replaced cluster of a color at weight 0 is the idle color's upgrade, by design.
    stack.templateOptions.metadata = {
      ...stack.templateOptions.metadata,
      [PAIR_WEIGHTS_METADATA_KEY]: { pair: this.node.path, weights: Object.fromEntries(weights.map((w) => [w.color, w.weight])) },
    };
    this.traffic.bindWeights(stack, weights);
  }
}
