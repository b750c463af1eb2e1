/**
 * A synthetic cloud assembly with any number of clusters, generated as JSON (no CDK synthesis): one
 * network stack exporting the VPC, clusters spread ten per stack, and one data stack whose databases
 * import each cluster's node group. Every tenth cluster is built like plain aws-eks-v2 (nodes on the
 * EKS-created group, database trusting it), so the replay has real losses to find.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StackTemplate } from '../lib/model/stack-template';
import { Resources, database, groupId, ownedCluster, template, clusterOnEksCreatedGroup, eksCreatedGroupOf, vpc } from './cfn-builders';

const CLUSTERS_PER_STACK = 10;
const EKS_CREATED_EVERY = 10;

export function syntheticTemplates(clusters: number): StackTemplate[] {
  const vpcId = { 'Fn::ImportValue': 'Net:VpcId' };
  const stacks = new Map<string, { resources: Resources; outputs: { [name: string]: unknown } }>();
  const data: Resources = {};
  for (let i = 0; i < clusters; i++) {
    const stackName = `Eks${Math.floor(i / CLUSTERS_PER_STACK)}`;
    const stack = stacks.get(stackName) ?? { resources: {}, outputs: {} };
    stacks.set(stackName, stack);
    const prefix = `C${i}`;
    const onEksCreated = i % EKS_CREATED_EVERY === EKS_CREATED_EVERY - 1;
    Object.assign(stack.resources, onEksCreated ? clusterOnEksCreatedGroup(prefix, vpcId) : ownedCluster(prefix, vpcId));
    const exportName = `${stackName}:${prefix}Peer`;
    stack.outputs[`${prefix}Peer`] = { Value: onEksCreated ? eksCreatedGroupOf(`${prefix}Cluster`) : groupId(`${prefix}NodeSg`), Export: { Name: exportName } };
    Object.assign(data, database(`D${i}`, vpcId, [{ 'Fn::ImportValue': exportName }]));
  }
  return [
    { stackName: 'Net', template: template({ Vpc: vpc() }, { Outputs: { VpcId: { Value: { Ref: 'Vpc' }, Export: { Name: 'Net:VpcId' } } } }) },
    ...[...stacks].map(([stackName, s]) => ({ stackName, template: template(s.resources, { Outputs: s.outputs }) })),
    { stackName: 'Data', template: template(data) },
  ];
}

/** Writes the templates as a cloud assembly (manifest.json plus one file per stack), as `cdk synth` would. */
export function writeAssembly(templates: StackTemplate[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-bench-'));
  const artifacts: { [id: string]: unknown } = {};
  for (const t of templates) {
    const templateFile = `${t.stackName}.template.json`;
    fs.writeFileSync(path.join(dir, templateFile), JSON.stringify(t.template));
    artifacts[t.stackName] = { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1', properties: { templateFile } };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }));
  return dir;
}
