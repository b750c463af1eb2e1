import { Environment } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { TrafficShift } from './traffic-shift';
import { UpgradeStrategy } from './upgrade-strategy';
import { AddonVersions } from '../cluster/cluster-addons';
import { SafeNodegroupOptions } from '../cluster/safe-nodegroup';
import { GuardrailTrail } from '../guardrails/guardrail-trail';

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
   * Versions of the color's VPC CNI, kube-proxy, CoreDNS and Pod Identity Agent add-ons (`SafeCluster`'s
   * `addonVersions`): an in-place upgrade keeps the recorded ones for the control plane's step
   * (`cdk-safe-eks pair plan` prints them), a new color needs none.
   *
   * @default - the library table's newest for the color's minor (docs/addons.md)
   */
  readonly addonVersions?: AddonVersions;
  /**
   * Accepts `addonVersions` the table does not list for the color's minor, with the reason
   * (`SafeCluster`'s `unlistedAddonVersionReason`); refused when nothing needs it.
   *
   * @default - only listed versions are accepted
   */
  readonly unlistedAddonVersionReason?: string;
  /**
   * Refuse `DeleteCluster`. Turn it off, deploy and record before retiring the color or replacing its cluster.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Fewest healthy targets the color's target group may have while the color serves traffic: below it,
   * the color's `healthy-hosts` guardrail alarm goes to ALARM (with `TrafficShift.albWeighted`).
   *
   * @default 1
   */
  readonly minHealthyHosts?: number;
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
  /**
   * Run-time guardrails on each color (`SafeCluster.addGuardrails`): alerts when a rule or group the
   * color relies on, or its cluster, changes outside CloudFormation; fixed-name alarms on its target
   * group. Turned off, the EksUpgradeSafety pack reports each color (EGR1) until acknowledged.
   *
   * @default true
   */
  readonly guardrails?: boolean;
  /**
   * The CloudTrail trail that delivers the EC2 and EKS management events the guardrails match: one the
   * app creates, or a statement that the organisation's trail logs them.
   *
   * @default - none named: synthesis warns (`cdk-safe-eks:guardrailsTrailNotStated`) on each color
   */
  readonly guardrailTrail?: GuardrailTrail;
  /**
   * The SNS topic the guardrails of both colors alert, KMS-encrypted, in a stack of your own (a topic of
   * the Shared stack would make Shared export for a color).
   *
   * @default - a topic per color, with its own KMS key
   */
  readonly alertTopic?: sns.ITopic;
}
