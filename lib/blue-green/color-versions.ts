import { ClusterResources } from './cluster-change';
import { RecordedColor, RecordedNodegroup } from './pair-state';
import { OWNED_ADDONS } from '../model/addon-versions';

/** The versions a color records beside its fingerprint, for `pair plan` and `pair status`. */
export type ColorVersions = Pick<RecordedColor, 'addons' | 'nodegroups'>;

interface RenderedResource {
  readonly Type: string;
  readonly Properties: { readonly [name: string]: unknown };
}

/**
 * What a color's cluster resources name: the version of each add-on it owns (none when the template has
 * none) and, per node group ID, the Kubernetes version, AMI release and AMI type of its `AWS::EKS::Nodegroup`
 * (`nodegroupLogicalIds` maps each ID to that resource). A value that is not a literal string is left out.
 */
export function colorVersions(resources: ClusterResources, nodegroupLogicalIds: { readonly [id: string]: string }): ColorVersions {
  const literal = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const addons: { [addonName: string]: string } = {};
  for (const resource of Object.values(resources) as RenderedResource[]) {
    const name = literal(resource.Properties.AddonName);
    const version = literal(resource.Properties.AddonVersion);
    if (resource.Type === 'AWS::EKS::Addon' && name !== undefined && version !== undefined && (OWNED_ADDONS as readonly string[]).includes(name)) addons[name] = version;
  }
  const nodegroups: { [id: string]: RecordedNodegroup } = {};
  for (const [id, logicalId] of Object.entries(nodegroupLogicalIds)) {
    const properties = (resources[logicalId] as RenderedResource | undefined)?.Properties ?? {};
    const version = literal(properties.Version);
    const releaseVersion = literal(properties.ReleaseVersion);
    const amiType = literal(properties.AmiType);
    nodegroups[id] = { ...(version === undefined ? {} : { version }), ...(releaseVersion === undefined ? {} : { releaseVersion }), ...(amiType === undefined ? {} : { amiType }) };
  }
  return { ...(Object.keys(addons).length === 0 ? {} : { addons }), nodegroups };
}
