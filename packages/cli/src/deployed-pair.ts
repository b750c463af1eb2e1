import { clusterFingerprint, clusterResources } from 'cdk-safe-eks/dist/lib/blue-green/cluster-change';
import { colorVersions } from 'cdk-safe-eks/dist/lib/blue-green/color-versions';
import { PAIR_WEIGHTS_METADATA_KEY } from 'cdk-safe-eks/dist/lib/blue-green/pair-change-intent';
import { RecordedColor, RecordedPair } from 'cdk-safe-eks/dist/lib/blue-green/pair-state';
import type { PairDeployFacts } from 'cdk-safe-eks/dist/lib/cli/pair-deploy-facts';
import { LiveError } from './errors';

/** A deployed template (GetTemplate, stage Original), loosely read. */
export interface DeployedTemplate {
  readonly Metadata?: { readonly [key: string]: unknown };
  readonly Resources?: { readonly [id: string]: { readonly Type?: string; readonly Properties?: { readonly [key: string]: unknown } } };
}

type Key = 'blue' | 'green';
const COLORS: ReadonlyArray<[Key, string]> = [['blue', 'Blue'], ['green', 'Green']];

/** The pair as its deployed stacks say, and how that differs from what the assembly would deploy. */
export interface DeployedPair {
  readonly pair: RecordedPair;
  /** One line per color whose deployed state is not the synthesized one (empty: the assembly is what is deployed). */
  readonly differences: string[];
}

/**
 * The state of pair `pairPath` from its deployed templates: each color's version, cluster name,
 * deletion protection, fingerprint, add-on and node group versions from its stack's deployed template (a stack without a cluster is
 * a retired color), the weights from the deployed Traffic stack. The account, region and upgrade
 * strategy are the assembly's (`synthesized`): no deployed template carries them.
 */
export function deployedPair(pairPath: string, facts: PairDeployFacts, synthesized: RecordedPair, template: (stackName: string) => DeployedTemplate): DeployedPair {
  const { stacks } = facts;
  const traffic = template(stacks.traffic);
  const weights = (traffic.Metadata?.[PAIR_WEIGHTS_METADATA_KEY] as { pair?: unknown; weights?: { [color: string]: unknown } } | undefined);
  if (weights?.pair !== pairPath || typeof weights.weights !== 'object') {
    throw new LiveError(`stack ${stacks.traffic}`, 'LiveDeployedPair', `the deployed Traffic stack carries no weights of pair ${pairPath} (metadata ${PAIR_WEIGHTS_METADATA_KEY}).`,
      weights === undefined ? 'no such metadata' : JSON.stringify(weights), 'deploy the Traffic stack with this version of cdk-safe-eks, or record from the assembly with plain `pair record`');
  }
  const colors: { [key in Key]?: RecordedColor } = {};
  const differences: string[] = [];
  for (const [key, name] of COLORS) {
    const stackName = stacks[key];
    const deployed = template(stackName);
    const clusters = Object.values(deployed.Resources ?? {}).filter((r) => r.Type === 'AWS::EKS::Cluster');
    if (clusters.length > 1) {
      throw new LiveError(`stack ${stackName}`, 'LiveDeployedPair', 'the deployed color stack has more than one EKS cluster.', `${clusters.length} clusters`, 'deploy the color stack from the pair\'s app');
    }
    const weight = weights.weights[name];
    if (clusters.length === 1) {
      const props = clusters[0].Properties ?? {};
      if (typeof props.Version !== 'string' || typeof props.Name !== 'string') {
        throw new LiveError(`stack ${stackName}`, 'LiveDeployedPair', 'the deployed cluster has no literal Name and Version.', JSON.stringify({ Name: props.Name, Version: props.Version }),
          'deploy the color stack from the pair\'s app, which names its cluster and version literally');
      }
      const resources = clusterResources(deployed);
      colors[key] = {
        version: props.Version, weight: typeof weight === 'number' ? weight : 0, clusterName: props.Name,
        fingerprint: clusterFingerprint(resources), deletionProtection: props.DeletionProtection === true, resources,
        ...colorVersions(resources, facts.nodegroupLogicalIds[key] ?? {}),
      };
    }
    const difference = colorDifference(name, colors[key], synthesized[key]);
    if (difference !== undefined) differences.push(difference);
  }
  return {
    pair: {
      ...(synthesized.account === undefined ? {} : { account: synthesized.account }), ...(synthesized.region === undefined ? {} : { region: synthesized.region }),
      upgradeStrategy: synthesized.upgradeStrategy, ...colors,
    },
    differences,
  };
}

function colorDifference(name: string, deployed: RecordedColor | undefined, synthesized: RecordedColor | undefined): string | undefined {
  if (deployed === undefined && synthesized === undefined) return undefined;
  const show = (c: RecordedColor | undefined) => (c === undefined ? 'no cluster'
    : `${c.clusterName} ${c.version}, weight ${c.weight}, deletion protection ${c.deletionProtection ? 'on' : 'off'}, fingerprint ${c.fingerprint}`);
  return show(deployed) === show(synthesized) ? undefined : `${name}: deployed ${show(deployed)}; the assembly has ${show(synthesized)}`;
}
