/**
 * The IAM actions each account-reading command of the `cdk-safe-eks` CLI calls (cdk-safe-eks-cli):
 * the one list docs/live.md, the `CliPolicy` construct and the commands' own error messages agree on.
 */

/** What `live snapshot` reads; `verify --live` reads the same. */
const SNAPSHOT_ACTIONS: readonly string[] = [
  'cloudformation:GetTemplate', 'cloudformation:ListStackResources',
  'ec2:DescribeSecurityGroupRules',
  'eks:DescribeAddon', 'eks:DescribeCluster', 'eks:DescribeNodegroup', 'eks:ListAddons', 'eks:ListInsights', 'eks:ListNodegroups',
  'elasticloadbalancing:DescribeTargetHealth',
];

/** Actions by command, as the command is typed. */
export const CLI_COMMAND_ACTIONS: { readonly [command: string]: readonly string[] } = {
  'live snapshot': SNAPSHOT_ACTIONS,
  'verify --live': SNAPSHOT_ACTIONS,
  'lock': ['cloudformation:SetStackPolicy'],
  'pair record --from-deployed': ['cloudformation:GetTemplate'],
  'pair check': [...SNAPSHOT_ACTIONS, 'cloudwatch:DescribeAlarms'].sort(),
  // pair check of each color gaining weight, then the change set of the Traffic stack, watched to its end.
  'pair shift': [...SNAPSHOT_ACTIONS, 'cloudwatch:DescribeAlarms', 'cloudformation:CreateChangeSet', 'cloudformation:DeleteChangeSet',
    'cloudformation:DescribeChangeSet', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks', 'cloudformation:ExecuteChangeSet',
    // The change set names the stack's execution role: the caller passes it to CloudFormation.
    'iam:PassRole'].sort(),
};

/** The CloudFormation actions, which can be limited to the assembly's stacks. */
export function isStackAction(action: string): boolean {
  return action.startsWith('cloudformation:');
}

/** `iam:PassRole`, limited to the stacks' execution roles; every other action takes no resource ARN. */
export function isRoleAction(action: string): boolean {
  return action === 'iam:PassRole';
}
