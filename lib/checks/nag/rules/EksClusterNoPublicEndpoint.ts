import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { resolvedList } from '../private/cfn';
import { eksClusterSettings } from '../private/eks-cluster';

/** EKS serves a public endpoint to this range when public access is on and no ranges are given. */
const EKS_DEFAULT_PUBLIC_CIDRS = ['0.0.0.0/0'];

/**
 * The Kubernetes API endpoint of an EKS cluster (aws-eks-v2, L1 or aws-eks) is not public. One
 * finding per range it is open to, `PublicAccessCidr::<cidr>`, so a narrow range can be acknowledged
 * on its own while `PublicAccessCidr::0.0.0.0/0`, the default and the worst case, stays visible.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    const settings = eksClusterSettings(node);
    if (!settings) return NagRuleCompliance.NOT_APPLICABLE;
    if (NagRules.resolveIfPrimitive(node, settings.endpointPublicAccess) === false) return NagRuleCompliance.COMPLIANT;
    const cidrs = resolvedList(node, settings.publicAccessCidrs, 'publicAccessCidrs')
      .map((cidr) => String(NagRules.resolveIfPrimitive(node, cidr)));
    return (cidrs.length > 0 ? cidrs : EKS_DEFAULT_PUBLIC_CIDRS).map((cidr) => `PublicAccessCidr::${cidr}`);
  },
  'name', { value: parse(__filename).name },
);
