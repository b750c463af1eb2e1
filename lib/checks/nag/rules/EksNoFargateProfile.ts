import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { FARGATE_PROFILE_TYPES } from '../../../model/resource-types';


/**
 * The app has no EKS Fargate profile. Fargate pods always run with the group EKS created for the
 * cluster, so their connectivity rests on rules EKS may rewrite; no setting changes that.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => FARGATE_PROFILE_TYPES.has(node.cfnResourceType)
    ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.NOT_APPLICABLE,
  'name', { value: parse(__filename).name },
);
