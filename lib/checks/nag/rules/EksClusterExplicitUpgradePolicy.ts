import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { eksClusterSettings } from '../private/eks-cluster';

/**
 * An EKS cluster (aws-eks-v2, L1 or aws-eks) sets `UpgradePolicy.SupportType` to `EXTENDED`. Left
 * unset it is `STANDARD`, and with `STANDARD` AWS upgrades the control plane in place when the
 * version leaves standard support: an upgrade nobody scheduled.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    const settings = eksClusterSettings(node);
    if (!settings) return NagRuleCompliance.NOT_APPLICABLE;
    return NagRules.resolveIfPrimitive(node, settings.supportType) === 'EXTENDED'
      ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
  'name', { value: parse(__filename).name },
);
