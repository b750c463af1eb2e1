import * as fs from 'fs';
import * as path from 'path';
import { LiveError } from './errors';

/** A stack of the assembly as `cdk deploy` sees it: where it deploys and the roles it deploys and looks up with. */
export interface DeployedStack {
  /** The artifact ID in the manifest (`Stage/Stack` in a stage). */
  readonly id: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** Account ID, or undefined for an environment-agnostic stack (`unknown-account`). */
  readonly account?: string;
  readonly region?: string;
  /** The deploy role (`assumeRoleArn`), placeholders still in. */
  readonly deployRoleArn?: string;
  /** The role CloudFormation deploys with (`cloudFormationExecutionRoleArn`), placeholders still in. */
  readonly executionRoleArn?: string;
  /** The lookup role (`lookupRole.arn`), placeholders still in. */
  readonly lookupRoleArn?: string;
  /** The template file in the assembly. */
  readonly templateFile: string;
}

/** Every CloudFormation stack of the assembly in `directory`, stages included, in manifest order. */
export function assemblyStacks(directory: string): DeployedStack[] {
  const manifestFile = path.join(directory, 'manifest.json');
  let manifest: { artifacts?: { [id: string]: { type?: string; environment?: string; properties?: { [key: string]: unknown } } } };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch (e) {
    throw new LiveError(directory, 'LiveSnapshot', 'not a readable cloud assembly.', e instanceof Error ? e.message : String(e),
      'run `cdk synth` and pass the directory it wrote (cdk.out)');
  }
  const stacks: DeployedStack[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    const props = artifact.properties ?? {};
    if (artifact.type === 'cdk:cloud-assembly' && typeof props.directoryName === 'string') {
      stacks.push(...assemblyStacks(path.join(directory, props.directoryName)).map((s) => ({ ...s, id: `${id}/${s.id}` })));
    }
    if (artifact.type !== 'aws:cloudformation:stack' || typeof props.templateFile !== 'string') continue;
    const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '') ?? [];
    const lookupRole = props.lookupRole as { arn?: unknown } | undefined;
    stacks.push({
      id, stackName: typeof props.stackName === 'string' ? props.stackName : id,
      account: account === undefined || account.startsWith('unknown-') ? undefined : account,
      region: region === undefined || region.startsWith('unknown-') ? undefined : region,
      deployRoleArn: typeof props.assumeRoleArn === 'string' ? props.assumeRoleArn : undefined,
      executionRoleArn: typeof props.cloudFormationExecutionRoleArn === 'string' ? props.cloudFormationExecutionRoleArn : undefined,
      lookupRoleArn: typeof lookupRole?.arn === 'string' ? lookupRole.arn : undefined,
      templateFile: path.join(directory, props.templateFile),
    });
  }
  return stacks;
}

/** A role ARN of the manifest with `${AWS::AccountId}`, `${AWS::Region}` and `${AWS::Partition}` filled in, as `cdk deploy` does. */
export function substituteRole(arn: string, where: { readonly account: string; readonly region: string; readonly partition: string }): string {
  return arn.replace(/\$\{AWS::AccountId\}/g, where.account).replace(/\$\{AWS::Region\}/g, where.region).replace(/\$\{AWS::Partition\}/g, where.partition);
}

/** The partition of a region: `aws-cn` for cn-*, `aws-us-gov` for us-gov-*, `aws` otherwise. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
