import * as fs from 'fs';
import * as fc from 'fast-check';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import { AssemblyError, loadAssembly } from '../../lib/model/cloud-assembly';
import { FlowModel } from '../../lib/model/flow-model';
import { loadTemplates } from '../../lib/model/template-directory';
import { Resources, ownedCluster, vpc } from '../fixtures/cfn-builders';
import { TestStack, testApp, testStack } from '../helpers';

/** Writes fixture resources as L1s, so the templates come out of real CDK synthesis. */
function addResources(scope: Stack, resources: Resources): void {
  for (const [id, r] of Object.entries(resources)) new CfnResource(scope, id, { type: r.Type, properties: r.Properties });
}

describe('loadAssembly on synthesized CDK output', () => {
  test('a cluster inside a nested stack, its VPC passed in from the parent, is found through the asset manifest', () => {
    const app = testApp();
    const parent = testStack(app, 'Parent');
    const network = new CfnResource(parent, 'Vpc', { type: 'AWS::EC2::VPC', properties: vpc().Properties });
    const nested = new NestedStack(parent, 'Inner');
    addResources(nested, ownedCluster('C', network.ref));
    const directory = app.synth().directory;

    const assembly = loadAssembly(directory);
    expect(assembly.stacks.map((s) => s.id)).toEqual(['Parent', expect.stringMatching(/^Parent\/InnerNestedStackInnerNestedStackResource\w+$/)]);
    const report = FlowModel.fromAssemblyDirectory(directory).evaluate();
    expect(report.flows.length).toBeGreaterThan(0);
    expect(report.passed).toBe(true);
    expect(report.warnings).toEqual([]);
  });

  test('stacks of a nested stage are read from its own assembly directory', () => {
    const app = new App({ context: testApp().node.getAllContext() });
    const stage = new Stage(app, 'Prod');
    addResources(new TestStack(stage, 'Eks', { env: { account: '111111111111', region: 'eu-west-1' } }), { Vpc: vpc(), ...ownedCluster('C', { Ref: 'Vpc' }) });
    const directory = app.synth().directory;
    const model = FlowModel.fromAssemblyDirectory(directory);
    expect(model.clusters).toHaveLength(1);
    expect(model.clusters[0]).toMatch(/^assembly-Prod\/\w+\/CCluster$/);
    expect(model.evaluate().passed).toBe(true);
  });

  test('a nested template missing from the assembly is an AssemblyError naming it', () => {
    const app = testApp();
    const parent = testStack(app, 'Parent');
    new NestedStack(parent, 'Inner');
    const directory = app.synth().directory;
    for (const file of fs.readdirSync(directory).filter((f) => f.endsWith('.nested.template.json'))) fs.rmSync(path.join(directory, file));
    expect(() => loadAssembly(directory)).toThrow(/a file of the assembly cannot be read, so nothing is proven from it\. Got: stack Parent: nested stack InnerNestedStackInnerNestedStackResource\w+ has no template in the assembly, or one that nests itself\./);
  });

  test('a manifest artifact without templateFile, and a missing directory, are AssemblyErrors', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-asm-'));
    fs.writeFileSync(path.join(directory, 'manifest.json'), JSON.stringify({ artifacts: { S: { type: 'aws:cloudformation:stack', properties: {} } } }));
    expect(() => loadAssembly(directory)).toThrow(`${directory}: a file of the assembly cannot be read, so nothing is proven from it. Got: stack S: the manifest names no templateFile.`);
    expect(() => loadAssembly(path.join(directory, 'missing'))).toThrow(AssemblyError);
  });

  test('any manifest JSON yields stacks and warnings or an AssemblyError, never another exception', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-fuzz-'));
    fs.writeFileSync(path.join(directory, 'Self.template.json'), JSON.stringify({
      Resources: { Loop: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'Self.template.json' } } },
    }));
    const artifact = fc.oneof(
      fc.jsonValue(),
      fc.record({ type: fc.constantFrom('aws:cloudformation:stack', 'cdk:cloud-assembly', 'cdk:asset-manifest'), properties: fc.jsonValue() }),
      fc.constant({ type: 'aws:cloudformation:stack', properties: { templateFile: 'Self.template.json' } }),
      fc.constant({ type: 'cdk:cloud-assembly', properties: { directoryName: '.' } }),
    );
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), fc.record({ artifacts: fc.dictionary(fc.string(), artifact) })), (manifest) => {
      fs.writeFileSync(path.join(directory, 'manifest.json'), JSON.stringify(manifest) ?? 'null');
      try {
        const assembly = loadAssembly(directory);
        expect(FlowModel.fromAssemblyDirectory(directory).evaluate().flows).toEqual([]);
        expect(assembly.stacks.every((st) => typeof st.id === 'string')).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(AssemblyError);
      }
    }), { numRuns: 150 });
  });
});

describe('stack names', () => {
  test('a stack deployed under another name than its artifact ID is read under that name', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-asm-'));
    fs.writeFileSync(path.join(directory, 'S.template.json'), JSON.stringify({ Resources: {} }));
    fs.writeFileSync(path.join(directory, 'manifest.json'), JSON.stringify({
      artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json', stackName: 'prod-payments' } } },
    }));
    expect(loadAssembly(directory).stackNames).toEqual(new Map([['S', 'prod-payments']]));
    expect(loadTemplates(directory).templates.map((t) => t.stackName)).toEqual(['prod-payments']);
  });
});

describe('a directory of deployed templates fails closed', () => {
  test('a template cut short is an AssemblyError naming it; a JSON file that is no template is skipped with a warning', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-deployed-'));
    fs.writeFileSync(path.join(directory, 'Good.json'), JSON.stringify({ Resources: { Vpc: vpc() } }));
    fs.writeFileSync(path.join(directory, 'notes.json'), JSON.stringify({ owner: 'platform' }));
    expect(loadTemplates(directory)).toEqual({
      templates: [expect.objectContaining({ stackName: 'Good' })],
      warnings: ['notes.json: no Resources section: not a CloudFormation template; skipped'],
    });
    fs.writeFileSync(path.join(directory, 'Cut.json'), '{ "Resources": { "Vpc": ');
    expect(() => loadTemplates(directory)).toThrow(expect.objectContaining({
      code: 'UnreadableTemplate',
      message: expect.stringContaining(`${directory}: a template of the directory cannot be read. Got: ${path.join(directory, 'Cut.json')}: not valid JSON (`),
    }));
  });
});
