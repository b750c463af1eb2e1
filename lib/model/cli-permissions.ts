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
  'pair check': [...SNAPSHOT_ACTIONS, 'cloudwatch:DescribeAlarms'].sort(),
  // pair check of each color gaining weight, then the change set of the Traffic stack, watched to its end.
  'pair shift': [...SNAPSHOT_ACTIONS, 'cloudwatch:DescribeAlarms', 'cloudformation:CreateChangeSet', 'cloudformation:DeleteChangeSet',
    'cloudformation:DescribeChangeSet', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks', 'cloudformation:ExecuteChangeSet'].sort(),
};

/** The CloudFormation actions, which can be limited to the assembly's stacks; the rest take no resource ARN. */
export function isStackAction(action: string): boolean {
  return action.startsWith('cloudformation:');
}
