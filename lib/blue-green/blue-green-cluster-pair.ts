import * as path from 'path';
import { Annotations, CfnOutput, Duration, Environment, Fn, RemovalPolicy, Stack, Stage, Tags, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AssemblyFile, AssemblyFileSynthesizer } from './assembly-file-synthesizer';
import { clusterFingerprint, clusterResources } from './cluster-change';
import { DesiredColor, MAX_WEIGHT, checkPairChange } from './pair-guards';
import {
  checkAdminRoleArns, checkColorArgument, checkDataStoreArgument, checkLiveUpdateReason, checkPairProps, checkPairVpc, checkTrafficShift,
} from './pair-input-checks';
import { DEFAULT_STATE_FILE, PairStateError, RecordedPair, STATE_FILE_FIX, pairAssemblyFileName, readStateFile, sortKeys } from './pair-state';
import { PairStack } from './pair-stack';
import { DEFAULT_ZONE_SUFFIXES, PAIR_SUBNETS } from './pair-subnets';
import { AlbWeightedOptions, TrafficShift, TrafficShiftKind } from './traffic-shift';
import { UpgradeStrategy } from './upgrade-strategy';
import { CloudFormationSchema } from '../checks/cloudformation-schema';
import { SafeCluster } from '../cluster/safe-cluster';
import { SafeNodegroupOptions } from '../cluster/safe-nodegroup';
import { IDependentDataStore } from '../data/data-store-access';
import { MODELLED_TYPES } from '../model/resource-types';
import { PAIR_COLOR_METADATA_KEY, PAIR_WEIGHTS_METADATA_KEY } from '../model/change-safety';
import { FlowModel } from '../model/flow-model';
import { SafeVpc } from '../network/safe-vpc';
import { SafeEksError, show } from '../private/errors';
import { RenderedTemplate, renderStack } from '../private/cdk-internals';
import { requireScope } from '../private/guards';
import { acknowledgeRules } from '../private/acknowledgements';
import { requireIntegerInRange } from '../private/validate';
import { limitGrantsToAwsResources } from '../private/kms';
import { requireLiteralPort } from '../data/store-access';

/** Options of one color of a `BlueGreenClusterPair`. */
export interface BlueGreenColorOptions {
  /** Kubernetes version of the color's cluster. */
  readonly version: eks.KubernetesVersion;
  /**
   * Share of the traffic, a whole number from 0 to 100; the weights of both colors sum to 100.
   *
   * @default 0
   */
  readonly weight?: number;
  /**
   * Managed node groups of the color's cluster, by construct ID.
   *
   * @default - one node group "General" with the `SafeNodegroup` defaults
   */
  readonly nodegroups?: { [id: string]: SafeNodegroupOptions };
  /**
   * Refuse `DeleteCluster`. Turn it off, deploy and record before retiring the color or replacing its cluster.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/** Properties of a `BlueGreenClusterPair`. */
export interface BlueGreenClusterPairProps {
  /** Account and region of the four stacks. The region must be literal unless `availabilityZones` is set. */
  readonly env: Environment;
  /** How traffic is split between the colors; `TrafficShift.albWeighted` is recommended. */
  readonly trafficShift: TrafficShift;
  /**
   * The Blue color.
   *
   * @default - Blue has no cluster (not created yet, or retired)
   */
  readonly blue?: BlueGreenColorOptions;
  /**
   * The Green color.
   *
   * @default - Green has no cluster (not created yet, or retired)
   */
  readonly green?: BlueGreenColorOptions;
  /**
   * How the idle color moves to a new version.
   *
   * @default UpgradeStrategy.REPLACE
   */
  readonly upgradeStrategy?: UpgradeStrategy;
  /**
   * Prefix of cluster and target group names: lowercase letters, digits and hyphens, at most 20 characters.
   *
   * @default - the pair's ID in lowercase
   */
  readonly namePrefix?: string;
  /**
   * Availability zones of the VPC, literal so that synthesis never looks them up.
   *
   * @default - zones a, b and c of the region, or the zones of `vpc`
   */
  readonly availabilityZones?: string[];
  /**
   * An existing VPC for the pair, instead of the one the Shared stack creates: imported with
   * `ec2.Vpc.fromVpcAttributes` or `fromLookup` in a stack of your own (a network stack), or a VPC such a
   * stack creates. Its zones must be literal and it needs private subnets with a route to the internet
   * (at least two, in different zones) for the nodes, isolated subnets for the data stores and, for an
   * internet-facing load balancer, public subnets. Its CIDR block must be literal, or given as `vpcCidr`.
   * Its subnets are not tagged for the AWS Load Balancer Controller, and its flow logs are yours.
   *
   * @default - a VPC in the Shared stack: one public /24, private /20 and isolated /24 per zone
   */
  readonly vpc?: ec2.IVpc;
  /**
   * CIDR block of the VPC: of the one the pair creates, or, when `vpc` has a token for its block, of that one.
   *
   * @default '10.40.0.0/16', or the block of `vpc`
   */
  readonly vpcCidr?: string;
  /**
   * ARNs of IAM roles granted cluster admin on both colors (a literal ARN, or `role.roleArn` of a role
   * in a stack of your own: never one of the Shared stack, which must not export for a color).
   *
   * @default - none; each cluster warns that nobody can administer it
   */
  readonly adminRoleArns?: string[];
  /**
   * State file written by `cdk-safe-eks pair record` and read at every synth.
   *
   * @default 'cdk-safe-eks.state.json' in the directory synth runs in (beside cdk.json)
   */
  readonly stateFile?: string;
}

/** The two colors of a pair. */
export enum PairColor {
  /** The Blue color (stack `<id>-Blue`). */
  BLUE = 'Blue',
  /** The Green color (stack `<id>-Green`). */
  GREEN = 'Green',
}

const COLORS = [PairColor.BLUE, PairColor.GREEN];
const PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
const DEFAULT_TARGET_PORT = 8080;
const DEFAULT_VPC_CIDR = '10.40.0.0/16';
const HTTPS_PORT = 443;
const LISTENER_RULE_PRIORITY = 1;

/**
 * A blue-green pair of `SafeCluster`s in four stacks, so that an upgrade only ever touches the idle color:
 *
 * - `<id>-Shared`: the VPC, KMS keys, the load balancer with one target group per color, and the data
 *   stores you add (`addDataStore`). Its template does not depend on the colors: it exports fixed names
 *   that the colors import, so no color change ever updates it.
 * - `<id>-Blue`, `<id>-Green`: one cluster each, with the color's rules to the data stores and from the
 *   load balancer, owned and proven in the color's stack, and a TargetGroupBinding manifest (output and
 *   `<stack>.targetgroupbinding.yaml` in the assembly). A retired color's stack is empty, which
 *   `cdk deploy` turns into a stack deletion.
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
  private readonly recorded?: RecordedPair;
  private readonly dataStores: IDependentDataStore[] = [];
  /** Read on first use only: when a live color's cluster changes and the guard names what is replaced. */
  private schema?: CloudFormationSchema;
  /** Reasons given to `acknowledgeLiveUpdate`, by color name as the guard names colors. */
  private readonly liveUpdates: { [color: string]: string } = {};
  /** What the guard validated in this synthesis, for the assembly file `pair record` reads. */
  private validatedColors?: { readonly blue?: DesiredColor; readonly green?: DesiredColor };

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
    validatePairProps(this, props, this.prefix);
    this.stateFile = path.resolve(props.stateFile ?? DEFAULT_STATE_FILE);
    try {
      this.recorded = readStateFile(this.stateFile).pairs[id];
    } catch (e) {
      if (!(e instanceof PairStateError)) throw e;
      throw new SafeEksError(this, 'PairStateFile', 'the state file of blue-green pairs cannot be read.', e.problem, STATE_FILE_FIX);
    }

    const azs = props.vpc?.availabilityZones ?? props.availabilityZones ?? DEFAULT_ZONE_SUFFIXES.map((z) => `${props.env.region}${z}`);
    this.sharedStack = new PairStack(scope, `${id}-Shared`, {
      env: props.env, zones: azs, terminationProtection: true,
      description: `cdk-safe-eks pair ${id}: VPC, keys, load balancer and data stores; never changed by a color`,
    });
    const shared = new SharedExports(this.sharedStack);
    const vpcCidr = props.vpc !== undefined && !Token.isUnresolved(props.vpc.vpcCidrBlock) ? props.vpc.vpcCidrBlock : props.vpcCidr ?? DEFAULT_VPC_CIDR;
    this.vpc = props.vpc ?? createVpc(this.sharedStack, vpcCidr, azs);
    shared.exportVpc(this.vpc, vpcCidr);
    for (const color of COLORS) {
      // One key per color, in Shared: a color's cluster is replaced, its key (and what it encrypted) stays.
      const key = limitGrantsToAwsResources(new kms.Key(this.sharedStack, `${color}SecretsKey`, {
        description: `Envelope encryption of Kubernetes secrets of the ${color} cluster of pair ${id}`,
        enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN,
      }));
      shared.export(`${color}SecretsKeyArn`, key.keyArn);
    }
    const alb = props.trafficShift.albOptions;
    if (alb !== undefined) this.loadBalancer = createLoadBalancer(this.sharedStack, shared, this.vpc, vpcCidr, this.prefix, alb);

    const colorStacks = COLORS.map((color) => {
      const options = color === PairColor.BLUE ? props.blue : props.green;
      const stack: Stack = new PairStack(scope, `${id}-${color}`, {
        env: props.env, zones: azs,
        // A retired color's stack must be empty (no CDKMetadata) so that `cdk deploy` deletes it.
        analyticsReporting: options === undefined ? false : undefined,
        description: `cdk-safe-eks pair ${id}: the ${color} cluster`,
        synthesizer: new AssemblyFileSynthesizer(() => this.colorFiles(color, stack)),
      });
      if (options === undefined) {
        Validations.of(stack).acknowledge({ id: 'CloudFormation-Validate::F0001',
          reason: `${color} is retired: its stack is empty on purpose, and \`cdk deploy\` deletes an empty stack.` });
        return { stack, cluster: undefined };
      }
      stack.addStackDependency(this.sharedStack, 'imports the VPC, its key and the load balancer group');
      const cluster = this.createColorCluster(stack, color, options, shared, azs);
      return { stack, cluster };
    });
    this.blueStack = colorStacks[0].stack;
    this.greenStack = colorStacks[1].stack;
    this.blue = colorStacks[0].cluster;
    this.green = colorStacks[1].cluster;

    this.trafficStack = new PairStack(scope, `${id}-Traffic`, {
      env: props.env, zones: azs,
      description: `cdk-safe-eks pair ${id}: traffic weights only`,
      synthesizer: new AssemblyFileSynthesizer(() => [{ fileName: pairAssemblyFileName(id), content: this.desiredStateJson() }]),
    });
    this.trafficStack.addStackDependency(this.sharedStack, 'imports the listener and target groups');
    // The listener -> target flows are owned by each color's stack (load balancer egress and node ingress).
    Annotations.of(this.trafficStack).acknowledgeWarning('@aws-cdk/aws-elbv2:albTargetGroupCannotRegisterListener',
      'Each color stack writes the load balancer -> nodes rules itself, on groups it owns.');
    this.createWeights(shared);

    this.node.addValidation({ validate: () => this.guard() });
  }

  /**
   * Lets both colors' nodes reach a database or cache of the Shared stack, with rules written in each
   * color's stack (see `IDependentDataStore.allowFrom`), and makes its flow part of each color's proof.
   */
  public addDataStore(store: IDependentDataStore): void {
    checkDataStoreArgument(this, store);
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
    checkColorArgument(this, color, COLORS, 'acknowledgeLiveUpdate');
    checkLiveUpdateReason(this, reason);
    if (this.colorOptions(color) === undefined) {
      throw new SafeEksError(this, 'RetiredColor', `color ${color} is retired, so it has no cluster to update.`, `acknowledgeLiveUpdate(PairColor.${color.toUpperCase()})`,
        'remove the call, or give the color its options again');
    }
    this.liveUpdates[color === PairColor.BLUE ? 'Blue' : 'Green'] = reason;
  }

  /** The cluster of `color`, or undefined when that color is retired. */
  public clusterOf(color: PairColor): SafeCluster | undefined {
    checkColorArgument(this, color, COLORS);
    return color === PairColor.BLUE ? this.blue : this.green;
  }

  private colorOptions(color: PairColor): BlueGreenColorOptions | undefined {
    return color === PairColor.BLUE ? this.props.blue : this.props.green;
  }

  private clusterName(color: PairColor, options: BlueGreenColorOptions): string {
    const base = `${this.prefix}-${color.toLowerCase()}`;
    return this.upgradeStrategy === UpgradeStrategy.IN_PLACE ? base : `${base}-${options.version.version.replace(/\./g, '-')}`;
  }

  private createColorCluster(stack: Stack, color: PairColor, options: BlueGreenColorOptions, shared: SharedExports, azs: string[]): SafeCluster {
    const vpc = shared.importVpc(stack, azs);
    const cluster = new SafeCluster(stack, 'Cluster', {
      clusterName: this.clusterName(color, options),
      version: options.version,
      vpc,
      adminRoles: (this.props.adminRoleArns ?? []).map((arn, i) => iam.Role.fromRoleArn(stack, `AdminRole${i}`, arn)),
      defaultCapacity: 0,
      secretsEncryptionKey: kms.Key.fromKeyArn(stack, 'SecretsKey', shared.import(`${color}SecretsKeyArn`)),
      deletionProtection: options.deletionProtection ?? true,
    });
    for (const [ngId, ngOptions] of Object.entries(options.nodegroups ?? { General: {} })) cluster.addNodegroup(ngId, ngOptions);
    // Constant per color (the weight lives in Traffic): lets `diff` tell the idle color's replacement from a live one.
    (cluster.cluster.node.defaultChild as eks.CfnCluster).addMetadata(PAIR_COLOR_METADATA_KEY, { pair: this.node.id, color });
    Validations.of(cluster).acknowledge({
      id: 'cdk-validator-cfnguard::eks_secrets_encrypted_check',
      reason: 'Secrets are envelope-encrypted with this color\'s KMS key, kept in the Shared stack so it outlives the cluster; the template names it by an imported ARN, which the Guard rule cannot read.',
    });
    Annotations.of(cluster).acknowledgeWarning('@aws-cdk/aws-eks:clusterMustManuallyTagSubnet',
      'The Shared stack tags the subnets of the pair for load balancers (kubernetes.io/role/elb and internal-elb).');

    const alb = this.props.trafficShift.albOptions;
    if (alb !== undefined) {
      // Both rules of the load balancer -> nodes flow live here, so Shared never changes with a color.
      const port = ec2.Port.tcp(alb.targetPort ?? DEFAULT_TARGET_PORT);
      const lbGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'LoadBalancerSecurityGroup',
        shared.import('LoadBalancerSecurityGroupId'), { allowAllOutbound: false, mutable: true });
      const description = `cdk-safe-eks: load balancer of pair ${this.node.id} to ${color} pods on ${port.toString()}`;
      cluster.nodeSecurityGroup.addIngressRule(lbGroup, port, description);
      lbGroup.addEgressRule(cluster.nodeSecurityGroup, port, description);
      new CfnOutput(stack, 'TargetGroupBinding', {
        value: this.targetGroupBinding(color),
        description: `TargetGroupBinding of the ${color} target group for the AWS Load Balancer Controller (also in the assembly as ${stack.artifactId}.targetgroupbinding.yaml)`,
      });
    }
    return cluster;
  }

  private targetGroupBinding(color: PairColor): string {
    const alb = this.props.trafficShift.albOptions!;
    const name = targetGroupName(this.prefix, color);
    return [
      `# TargetGroupBinding of color ${color} of pair ${this.node.id}, for the AWS Load Balancer Controller.`,
      `# No "networking" section: the controller writes no security-group rules; the ${this.node.id}-${color} stack owns them.`,
      'apiVersion: elbv2.k8s.aws/v1beta1',
      'kind: TargetGroupBinding',
      'metadata:',
      `  name: ${name}`,
      `  namespace: ${alb.namespace ?? 'default'}`,
      'spec:',
      '  serviceRef:',
      `    name: ${alb.serviceName ?? 'web'}`,
      `    port: ${alb.servicePort ?? 80}`,
      `  targetGroupName: ${name}`,
      '  targetType: ip',
      '',
    ].join('\n');
  }

  private colorFiles(color: PairColor, stack: Stack): AssemblyFile[] {
    if (this.colorOptions(color) === undefined || this.props.trafficShift.albOptions === undefined) return [];
    return [{ fileName: `${stack.artifactId}.targetgroupbinding.yaml`, content: this.targetGroupBinding(color) }];
  }

  private createWeights(shared: SharedExports): void {
    const stack = this.trafficStack;
    const weight = (color: PairColor) => this.colorOptions(color)?.weight ?? 0;
    // Read by `cdk-safe-eks diff`: a replaced cluster of a color at weight 0 is the idle color's upgrade, by design.
    stack.templateOptions.metadata = {
      ...stack.templateOptions.metadata,
      [PAIR_WEIGHTS_METADATA_KEY]: { pair: this.node.id, weights: Object.fromEntries(COLORS.map((c) => [c, weight(c)])) },
    };
    const shift = this.props.trafficShift;
    if (shift.kind === TrafficShiftKind.ALB_WEIGHTED) {
      const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(stack, 'Listener', {
        listenerArn: shared.import('ListenerArn'),
        securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'LoadBalancerSecurityGroup', shared.import('LoadBalancerSecurityGroupId'), { mutable: false }),
      });
      new elbv2.ApplicationListenerRule(stack, 'Weights', {
        listener,
        priority: LISTENER_RULE_PRIORITY,
        conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
        action: elbv2.ListenerAction.weightedForward(COLORS.map((color) => ({
          targetGroup: elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, `${color}TargetGroup`, {
            targetGroupArn: shared.import(`${color}TargetGroupArn`), loadBalancerArns: shared.import('LoadBalancerArn'),
          }),
          weight: weight(color),
        }))),
      });
      return;
    }
    const options = shift.route53Options!;
    for (const color of COLORS) {
      if (this.colorOptions(color) === undefined) continue;
      const dnsName = color === PairColor.BLUE ? options.blueDnsName : options.greenDnsName;
      if (dnsName === undefined) {
        if (weight(color) > 0) {
          throw new SafeEksError(this, 'MissingDnsName', `color ${color} has weight ${weight(color)} but route53Weighted has no DNS name for it.`,
            'undefined', `set ${color.toLowerCase()}DnsName in TrafficShift.route53Weighted to the DNS name of ${color}'s ingress`);
        }
        continue;
      }
      new route53.CnameRecord(stack, `${color}Record`, {
        zone: options.zone, recordName: options.recordName, domainName: dnsName,
        ttl: options.ttl ?? DEFAULT_RECORD_TTL, weight: weight(color), setIdentifier: color.toLowerCase(),
      });
    }
  }

  /** What is about to be deployed, per color, for the guards and for `pair record`. */
  private desired(color: PairColor, render: Renderer): DesiredColor | undefined {
    const options = this.colorOptions(color);
    const cluster = this.clusterOf(color);
    if (options === undefined || cluster === undefined) return undefined;
    const resources = clusterResources(render(Stack.of(cluster)));
    return {
      version: options.version.version, weight: options.weight ?? 0, clusterName: cluster.clusterName,
      fingerprint: clusterFingerprint(resources), resources, deletionProtection: options.deletionProtection ?? true,
    };
  }

  private desiredStateJson(): string {
    // The colors the guard just validated, when it ran in this synthesis (it runs right before the
    // synthesizers); taken once, so a later synthesis without validation renders afresh.
    const render = renderer();
    const colors = this.validatedColors ?? { blue: this.desired(PairColor.BLUE, render), green: this.desired(PairColor.GREEN, render) };
    this.validatedColors = undefined;
    const state = { pair: this.node.id, stateFile: this.stateFile, upgradeStrategy: this.upgradeStrategy, ...colors };
    return `${JSON.stringify(sortKeys(state), null, 2)}\n`;
  }

  private guard(): string[] {
    // Rendered once per pass: each color's template serves its fingerprint and its proof, Shared both proofs.
    const render = renderer();
    const colors = { blue: this.desired(PairColor.BLUE, render), green: this.desired(PairColor.GREEN, render) };
    this.validatedColors = colors;
    const result = checkPairChange({
      pair: this.node.path,
      upgradeStrategy: this.upgradeStrategy,
      recorded: this.recorded,
      ...colors,
      proofFailures: (color) => this.proofFailures(color === 'Blue' ? PairColor.BLUE : PairColor.GREEN, render),
      replacementRules: () => (this.schema ??= new CloudFormationSchema()),
      liveUpdates: this.liveUpdates,
    });
    for (const warning of result.warnings) Annotations.of(this.trafficStack).addWarningV2(warning.id, warning.message);
    return result.errors;
  }

  /** The color's flows, proven on its own and the Shared templates, before and after the incident replay. */
  private proofFailures(color: PairColor, render: Renderer): string[] {
    const cluster = this.clusterOf(color)!;
    const stack = Stack.of(cluster);
    const model = FlowModel.fromTemplates([
      { stackName: this.sharedStack.stackName, template: render(this.sharedStack) },
      { stackName: stack.stackName, template: render(stack) },
    ]);
    const clusterKey = `${stack.stackName}/${stack.resolve((cluster.cluster.node.defaultChild as eks.CfnCluster).logicalId)}`;
    const report = model.evaluate({ clusters: [clusterKey] });
    const failures = report.flows.filter((f) => !(f.allowedBefore && f.allowedAfterReplay))
      .map((f) => `${f.flowId} ${f.sourceLabel} -> ${f.destinationLabel} ${f.protocol} ${f.ports} ${f.allowedBefore ? 'lost in the replay' : 'missing'}`);
    const storeFlows = report.flows.filter((f) => f.flowId === 'NodesToDatabase' || f.flowId === 'NodesToCache').length;
    if (storeFlows < this.dataStores.length) {
      failures.push(`only ${storeFlows} of the ${this.dataStores.length} data stores added with addDataStore have a flow from the nodes`);
    }
    if (this.loadBalancer !== undefined && !report.flows.some((f) => f.flowId === 'LoadBalancerToNodes')) {
      failures.push('no LoadBalancerToNodes flow from the shared load balancer');
    }
    return failures;
  }
}

type Renderer = (stack: Stack) => RenderedTemplate;

/** TTL of route53Weighted records: a shift, and a rollback, waits on DNS caches this long at most. */
const DEFAULT_RECORD_TTL = Duration.seconds(60);

/**
 * Renders each stack at most once, with the resources the flow model reads (a superset of those the
 * fingerprint hashes); a new renderer per pass, since the tree may change between passes.
 */
function renderer(): Renderer {
  const cache = new Map<Stack, RenderedTemplate>();
  return (stack) => {
    let template = cache.get(stack);
    if (template === undefined) cache.set(stack, template = renderStack(stack, MODELLED_TYPES));
    return template;
  };
}

/**
 * Exports of the Shared stack under fixed names, and their imports in the other stacks. CDK's automatic
 * cross-stack references would add and remove exports in Shared as colors come and go; these never change.
 */
class SharedExports {
  private subnetCount = 0;
  private routeTables = true;
  private vpcCidr?: string;

  constructor(private readonly stack: Stack) {}

  public export(name: string, value: string): void {
    new CfnOutput(this.stack, name, { value, exportName: this.exportName(name) });
  }

  public import(name: string): string {
    return Fn.importValue(this.exportName(name));
  }

  public exportVpc(vpc: ec2.IVpc, literalCidr: string): void {
    this.vpcCidr = literalCidr;
    this.export('VpcId', vpc.vpcId);
    this.export('VpcCidr', vpc.vpcCidrBlock);
    // An imported VPC may leave its route tables out; the colors then import the subnets without them.
    this.routeTables = vpc.privateSubnets.every((subnet) => subnet.routeTable?.routeTableId !== undefined);
    vpc.privateSubnets.forEach((subnet, i) => {
      this.export(`PrivateSubnet${i + 1}Id`, subnet.subnetId);
      if (this.routeTables) this.export(`PrivateSubnet${i + 1}RouteTableId`, subnet.routeTable.routeTableId);
    });
    this.subnetCount = vpc.privateSubnets.length;
  }

  public importVpc(scope: Construct, azs: string[]): ec2.IVpc {
    const n = Array.from({ length: this.subnetCount }, (_, i) => i + 1);
    return ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
      vpcId: this.import('VpcId'),
      // The literal block of the pair's props, not an import: each color's path-MTU rule (and the
      // synth-time proof of it, which reads one stack) then names the VPC's CIDR itself.
      vpcCidrBlock: this.vpcCidr ?? this.import('VpcCidr'),
      availabilityZones: azs,
      privateSubnetIds: n.map((i) => this.import(`PrivateSubnet${i}Id`)),
      privateSubnetRouteTableIds: this.routeTables ? n.map((i) => this.import(`PrivateSubnet${i}RouteTableId`)) : undefined,
    });
  }

  private exportName(name: string): string {
    return `${this.stack.stackName}-${name}`;
  }
}

function createVpc(stack: Stack, cidr: string, azs: string[]): ec2.Vpc {
  // SafeVpc: no public IPs on launch, KMS-encrypted flow logs of all traffic, default security group emptied.
  const vpc = new SafeVpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(cidr),
    availabilityZones: azs,
    natGateways: 1,
    subnetConfiguration: [...PAIR_SUBNETS],
  });
  // For ingresses a color's AWS Load Balancer Controller creates itself; constant, so no color change touches it.
  for (const subnet of vpc.publicSubnets) Tags.of(subnet).add('kubernetes.io/role/elb', '1');
  for (const subnet of vpc.privateSubnets) Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
  Validations.of(vpc).acknowledge({
    id: 'CloudFormation-Validate::W3010',
    reason: 'Zones are literal so that synth never looks them up in an account; they follow the region of the env.',
  });
  return vpc;
}

function targetGroupName(prefix: string, color: PairColor): string {
  return `${prefix}-${color.toLowerCase()}`;
}

function createLoadBalancer(stack: Stack, shared: SharedExports, vpc: ec2.IVpc, vpcCidr: string, prefix: string,
  options: AlbWeightedOptions): elbv2.ApplicationLoadBalancer {
  const group = new ec2.SecurityGroup(stack, 'LoadBalancerSecurityGroup', {
    vpc, allowAllOutbound: false,
    description: 'cdk-safe-eks load balancer of a blue-green pair: egress to each color is written by the color',
  });
  // The literal block, not the VPC's attribute: checks (cdk-nag EC23) can read it at synth.
  for (const peer of options.allowedClients ?? [ec2.Peer.ipv4(vpcCidr)]) {
    group.addIngressRule(peer, ec2.Port.tcp(HTTPS_PORT), 'cdk-safe-eks: clients to the HTTPS listener');
  }
  const logs = new s3.Bucket(stack, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, removalPolicy: RemovalPolicy.RETAIN,
    // A year of access logs, then gone; replaced versions a month after they are.
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
  });
  acknowledgeRules(logs, ['cdk-validator-cfnguard::s3_event_notifications_enabled_check'],
    'Nothing consumes new access-log objects as events; log analysis reads the bucket on demand.');
  acknowledgeRules(logs, ['cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check'],
    'Access logs are operational records kept a year under versioning; Object Lock (WORM retention) would make the lifecycle expiry impossible to apply.');
  acknowledgeRules(logs, ['AwsSolutions-S1', 'HIPAA.Security-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'PCI.DSS.321-S3BucketLoggingEnabled',
    'cdk-validator-cfnguard::s3_bucket_logging_enabled_check'],
    'This bucket holds the load balancer access logs; logging access to the log bucket itself would need another bucket, endlessly.');
  acknowledgeRules(logs, ['HIPAA.Security-S3DefaultEncryptionKMS', 'NIST.800.53.R5-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3DefaultEncryptionKMS',
    'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check'],
    'Elastic Load Balancing writes access logs only to buckets encrypted with S3-managed keys (SSE-S3); SSE-KMS is not supported for them.');
  acknowledgeRules(logs, ['HIPAA.Security-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled'],
    'Access logs are versioned and retained in the region they describe; cross-region replication is a disaster-recovery choice of the account, not of this pair.');
  const internetFacing = options.internetFacing ?? false;
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'LoadBalancer', {
    vpc, internetFacing, securityGroup: group, dropInvalidHeaderFields: true,
    // The load balancer is what both colors hang off: a stack delete or replacement must not take it.
    deletionProtection: true,
    vpcSubnets: { subnetType: internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
  });
  if (!internetFacing) {
    acknowledgeRules(alb, ['NIST.800.53.R5-ALBWAFEnabled', 'PCI.DSS.321-ALBWAFEnabled'],
      'The load balancer is internal: only the VPC (or allowedClients) reaches it. An internet-facing pair should attach an AWS WAF web ACL, and this finding then stays.');
  }
  alb.logAccessLogs(logs, 'alb');
  const listener = alb.addListener('Https', {
    port: HTTPS_PORT, protocol: elbv2.ApplicationProtocol.HTTPS, certificates: [elbv2.ListenerCertificate.fromArn(options.certificateArn)],
    sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS, open: false,
    defaultAction: elbv2.ListenerAction.fixedResponse(503, { contentType: 'text/plain', messageBody: 'No color of this pair serves this path.' }),
  });
  shared.export('LoadBalancerArn', alb.loadBalancerArn);
  shared.export('LoadBalancerSecurityGroupId', group.securityGroupId);
  shared.export('ListenerArn', listener.listenerArn);
  for (const color of COLORS) {
    const targetGroup = new elbv2.ApplicationTargetGroup(stack, `${color}TargetGroup`, {
      vpc, targetType: elbv2.TargetType.IP, protocol: elbv2.ApplicationProtocol.HTTP,
      port: options.targetPort ?? DEFAULT_TARGET_PORT, targetGroupName: targetGroupName(prefix, color),
      healthCheck: { path: options.healthCheckPath ?? '/healthz' },
    });
    shared.export(`${color}TargetGroupArn`, targetGroup.targetGroupArn);
  }
  return alb;
}

function validatePairProps(scope: Construct, props: BlueGreenClusterPairProps, prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new SafeEksError(scope, 'PairNamePrefix', 'the name prefix must be 1 to 20 lowercase letters, digits or hyphens, starting with a letter.',
      show(prefix), 'set `namePrefix`, e.g. "payments"');
  }
  if (props.trafficShift === undefined) {
    throw new SafeEksError(scope, 'TrafficShift', '`trafficShift` is required.', 'undefined',
      'set trafficShift: TrafficShift.albWeighted({ certificateArn })');
  }
  checkTrafficShift(scope, props.trafficShift, props.env);
  checkAdminRoleArns(scope, props.adminRoleArns);
  checkPairVpc(scope, props.vpc, props.vpcCidr, props.availabilityZones !== undefined, props.trafficShift.albOptions?.internetFacing === true);
  const region = props.env.region;
  const foreign = (props.availabilityZones ?? []).find((az) => !Token.isUnresolved(az) && region !== undefined && !Token.isUnresolved(region) && !az.startsWith(region));
  if (foreign !== undefined) {
    throw new SafeEksError(scope, 'AvailabilityZone', `every availability zone must be in the pair's region, ${region}.`, show(foreign),
      `name zones of ${region}, such as "${region}a", or set env.region to the zones' region`);
  }
  // Checked here as well as by the guard: a Route 53 record refuses a bad weight as soon as it is made, in its own words.
  for (const key of ['blue', 'green'] as const) requireIntegerInRange(scope, `${key}.weight`, props[key]?.weight, 0, MAX_WEIGHT);
  if (props.availabilityZones === undefined && (props.env?.region === undefined || Token.isUnresolved(props.env.region))) {
    throw new SafeEksError(scope, 'PairRegion', 'the region must be literal so that the zones can be named without a lookup.',
      show(props.env?.region), 'set env.region, or list `availabilityZones`');
  }
  const alb = props.trafficShift.albOptions;
  if (alb?.targetPort !== undefined) requireLiteralPort(scope, 'targetPort', alb.targetPort, 'the pods behind the Service listen on', [8080, 8443]);
}
