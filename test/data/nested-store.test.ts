import * as fs from 'fs';
import * as path from 'path';
import { NestedStack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { DependentCache, DependentDatabase, SafeCluster } from '../../lib';
import { FlowModel } from '../../lib/model/flow-model';
import { RequiredFlows } from '../../lib/model/required-flows';
import { testApp, testStack, testVpc } from '../helpers';

/** Network, a Data stack whose stores are in a NestedStack, and `clients` cluster stacks that reach both stores. */
function nestedStoresApp(clients: number) {
  const app = testApp();
  const network = testStack(app, 'Network');
  const vpc = testVpc(network);
  const data = testStack(app, 'Data');
  const stores = new NestedStack(data, 'Stores');
  const database = new DependentDatabase(stores, 'Database', { vpc });
  const cache = new DependentCache(stores, 'Cache', { vpc });
  for (let i = 1; i <= clients; i++) {
    const cluster = new SafeCluster(testStack(app, `Cluster${i}`), 'Payments', { version: eks.KubernetesVersion.V1_34, clusterName: `payments-${i}`, vpc, defaultCapacity: 0 });
    database.allowFrom(cluster);
    cache.allowFrom(cluster);
  }
  const assembly = app.synth();
  const nestedFile = fs.readdirSync(assembly.directory).find((f) => f.endsWith('.nested.template.json'))!;
  const nestedTemplate = JSON.parse(fs.readFileSync(path.join(assembly.directory, nestedFile), 'utf8'));
  return { assembly, database, cache, nestedTemplate, dataTemplate: assembly.getStackByName('Data').template };
}

describe('a DependentDatabase and a DependentCache in a NestedStack', () => {
  test('export their group IDs from the nested template under literal names of the top-level stack, which each client imports', () => {
    const { assembly, database, cache, nestedTemplate, dataTemplate } = nestedStoresApp(1);
    // The nested stack's own name is chosen by CloudFormation at deploy time: a client could not import a name built from it.
    expect(database.securityGroupExportName).toMatch(/^Data:DataStoresDatabaseSecurityGroup[0-9A-F]{8}$/);
    expect(cache.securityGroupExportName).toMatch(/^Data:DataStoresCacheSecurityGroup[0-9A-F]{8}$/);
    const exported = Object.values(nestedTemplate.Outputs as { [id: string]: { Export: { Name: unknown } } }).map((o) => o.Export.Name);
    expect(exported.sort()).toEqual([cache.securityGroupExportName, database.securityGroupExportName].sort());
    const client = JSON.stringify(assembly.getStackByName('Cluster1').template);
    expect(client).toContain(JSON.stringify({ 'Fn::ImportValue': database.securityGroupExportName }));
    expect(client).toContain(JSON.stringify({ 'Fn::ImportValue': cache.securityGroupExportName }));
    expect(assembly.getStackByName('Cluster1').dependencies.map((d) => d.id)).toContain('Data');
    // Nothing of the stores passes through the parent's template.
    expect(dataTemplate.Outputs).toBeUndefined();
  });

  test('the flow model proves the nodes-to-store flows of the client from the assembly, nested template included', () => {
    const report = FlowModel.fromAssemblyDirectory(nestedStoresApp(1).assembly.directory).evaluate();
    const flows = report.flows.filter((f) => f.flowId === RequiredFlows.NODES_TO_DATABASE || f.flowId === RequiredFlows.NODES_TO_CACHE);
    expect(flows.map((f) => [f.flowId, f.allowedBefore, f.allowedAfterReplay])).toEqual([[RequiredFlows.NODES_TO_DATABASE, true, true], [RequiredFlows.NODES_TO_CACHE, true, true]]);
    expect(report.warnings).toEqual([]);
  });

  test('a second client changes neither the Data template nor the nested one', () => {
    const one = nestedStoresApp(1);
    const two = nestedStoresApp(2);
    expect(two.dataTemplate).toEqual(one.dataTemplate);
    expect(two.nestedTemplate).toEqual(one.nestedTemplate);
  });
});
