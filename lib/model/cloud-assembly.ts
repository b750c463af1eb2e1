import * as fs from 'fs';
import * as path from 'path';
import { CfnTemplate, LoadedStack } from './cfn-resolver';
import { ErrorCode } from './error-codes';
import { CodedError } from './errors';

/**
 * The assembly directory itself is unusable (missing, no manifest, manifest not JSON). Everything
 * below that level (one broken template, a nested template that is not there) is a warning instead,
 * so one bad file never hides the rest of the report.
 */
export class AssemblyError extends CodedError {
  /** @param directory the directory given, named first in the message */
  constructor(directory: string, code: ErrorCode, problem: string, received: string, fix: string) {
    super('AssemblyError', directory, code, problem, received, fix);
  }
}

/** The templates of an assembly, and what could not be read. */
export interface LoadedAssembly {
  readonly stacks: LoadedStack[];
  readonly warnings: string[];
  /** Name each top-level stack is deployed under (manifest `stackName`), by stack ID, where it differs from the ID. */
  readonly stackNames: Map<string, string>;
}

interface ManifestArtifact {
  readonly type?: unknown;
  readonly properties?: unknown;
}

const NESTED_STACK = 'AWS::CloudFormation::Stack';
const ASSET_HASH = /([0-9a-f]{64})\.json/;

/** Reads every CloudFormation stack of the assembly in `directory`, nested stages and nested stacks included. */
export function loadAssembly(directory: string): LoadedAssembly {
  const manifestPath = path.join(directory, 'manifest.json');
  if (!fs.existsSync(directory)) {
    throw new AssemblyError(directory, 'AssemblyDirectory', 'the directory does not exist.', 'nothing at that path',
      'run `cdk synth` first, or pass the directory it wrote (usually cdk.out)');
  }
  if (!fs.existsSync(manifestPath)) {
    throw new AssemblyError(directory, 'NotACloudAssembly', 'the directory is not a cloud assembly: it has no manifest.json.', 'a directory without manifest.json',
      'pass the directory `cdk synth` wrote (usually cdk.out)');
  }
  const manifest = readJson(manifestPath);
  if (manifest instanceof Error || typeof manifest !== 'object' || manifest === null) {
    throw new AssemblyError(directory, 'AssemblyManifest', 'its manifest.json is not valid JSON.', manifest instanceof Error ? manifest.message : 'not an object',
      'synthesize again');
  }
  const stacks: LoadedStack[] = [];
  const warnings: string[] = [];
  const stackNames = new Map<string, string>();
  readAssembly(directory, manifest as { artifacts?: unknown }, '', { stacks, warnings, stackNames }, new Set([path.resolve(directory)]));
  return { stacks, warnings, stackNames };
}

function readAssembly(
  directory: string, manifest: { artifacts?: unknown }, prefix: string, into: LoadedAssembly, visited: Set<string>,
): void {
  const { stacks, warnings } = into;
  // A hand-edited or truncated manifest can hold anything: read only string-valued fields.
  const artifacts = Object.entries(isObject(manifest.artifacts) ? manifest.artifacts : {})
    .filter((entry): entry is [string, ManifestArtifact] => isObject(entry[1]));
  const property = (artifact: ManifestArtifact, key: 'templateFile' | 'file' | 'directoryName' | 'stackName') => {
    const value = isObject(artifact.properties) ? artifact.properties[key] : undefined;
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  const assetFiles = new Map<string, string>();
  for (const [, artifact] of artifacts) {
    const file = property(artifact, 'file');
    if (artifact.type === 'cdk:asset-manifest' && file) collectAssetFiles(path.join(directory, file), assetFiles);
  }
  for (const [id, artifact] of artifacts) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const file = property(artifact, 'templateFile');
      if (!file) {
        warnings.push(`stack ${id}: manifest names no templateFile; skipped`);
        continue;
      }
      const stackName = property(artifact, 'stackName');
      if (stackName !== undefined && stackName !== `${prefix}${id}`) into.stackNames.set(`${prefix}${id}`, stackName);
      loadStack(directory, `${prefix}${id}`, path.join(directory, file), undefined, assetFiles, stacks, warnings, [path.join(directory, file)]);
    } else if (artifact.type === 'cdk:cloud-assembly') {
      const name = property(artifact, 'directoryName');
      const nestedDir = name === undefined ? undefined : path.resolve(directory, name);
      const nested = nestedDir === undefined || visited.has(nestedDir) ? undefined : readJson(path.join(nestedDir, 'manifest.json'));
      if (nestedDir === undefined || !isObject(nested)) {
        warnings.push(`nested assembly ${id}: manifest.json unreadable or already read; skipped`);
        continue;
      }
      visited.add(nestedDir);
      readAssembly(nestedDir, nested, `${prefix}${id}/`, into, visited);
    }
  }
}

function loadStack(
  directory: string, id: string, file: string, parent: LoadedStack['parent'],
  assetFiles: Map<string, string>, stacks: LoadedStack[], warnings: string[], chain: string[],
): void {
  const template = readJson(file);
  if (!isObject(template)) {
    warnings.push(`stack ${id}: template ${path.basename(file)} is not valid JSON (${template instanceof Error ? template.message : 'not an object'}); its resources are not modelled`);
    return;
  }
  const stack: LoadedStack = { id, template: template as CfnTemplate, templatePath: file, parent };
  stacks.push(stack);
  const resources = isObject(template.Resources) ? template.Resources : {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || resource.Type !== NESTED_STACK) continue;
    const nestedFile = nestedTemplateFile(directory, resource, assetFiles);
    // A nested template that leads back to a stack being read would recurse forever.
    if (nestedFile === undefined || chain.includes(nestedFile)) {
      warnings.push(`stack ${id}: nested stack ${logicalId} has no template in the assembly, or one that nests itself; its resources are not modelled`);
      continue;
    }
    loadStack(directory, `${id}/${logicalId}`, nestedFile, { stackId: id, logicalId }, assetFiles, stacks, warnings, [...chain, nestedFile]);
  }
}

// CDK names the nested template in asset metadata when the CLI asks for it; otherwise the asset
// hash in TemplateURL leads to the file through the assets manifest.
function nestedTemplateFile(
  directory: string, resource: { Metadata?: { [key: string]: unknown }; Properties?: { [key: string]: unknown } },
  assetFiles: Map<string, string>,
): string | undefined {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string' && fs.existsSync(path.join(directory, assetPath))) return path.join(directory, assetPath);
  const hash = ASSET_HASH.exec(JSON.stringify(resource.Properties?.TemplateURL ?? ''))?.[1];
  const source = hash === undefined ? undefined : assetFiles.get(hash);
  return source !== undefined && fs.existsSync(path.join(directory, source)) ? path.join(directory, source) : undefined;
}

function collectAssetFiles(file: string, into: Map<string, string>): void {
  const assets = readJson(file);
  const files = isObject(assets) && isObject(assets.files) ? assets.files : {};
  for (const [hash, asset] of Object.entries(files)) {
    const source = isObject(asset) && isObject(asset.source) ? asset.source.path : undefined;
    if (typeof source === 'string') into.set(hash, source);
  }
}

/** A JSON object; `readJson` failures (an `Error`) and arrays are not. */
function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Error);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
