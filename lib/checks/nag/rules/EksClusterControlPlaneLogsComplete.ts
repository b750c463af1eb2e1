import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { eksClusterSettings } from '../private/eks-cluster';

/** Every control-plane log type EKS can export; an upgrade failure is investigated from these. */
const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/**
 * An EKS cluster (aws-eks-v2, L1 or aws-eks) exports all five control-plane log types. One finding
 * per missing type, `LogExport::<type>`, as cdk-nag's AwsSolutions-EKS2 does.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    const settings = eksClusterSettings(node);
    if (!settings) return NagRuleCompliance.NOT_APPLICABLE;
    const enabled = new Set(settings.enabledLogTypes.map((type) => NagRules.resolveIfPrimitive(node, type)));
    const missing = LOG_TYPES.filter((type) => !enabled.has(type));
    return missing.length > 0 ? missing.map((type) => `LogExport::${type}`) : NagRuleCompliance.COMPLIANT;
  },
  'name', { value: parse(__filename).name },
);
