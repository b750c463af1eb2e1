import * as fs from 'fs';
import * as path from 'path';
import { CfnTemplate, LoadedStack } from './cfn-resolver';
import { ErrorCode } from './error-codes';
import { CodedError } from './errors';

/**
 * The assembly cannot be read whole: the directory is missing or has no manifest, or a file the manifest
 * leads to (a template, a nested assembly, a nested stack's template) is missing or not JSON. Nothing is
 * proven from part of an assembly: a stack left out would take its flows out of the proof unseen.
 */
export class AssemblyError extends CodedError {
  /** @param directory the directory given, named first in the message */
  constructor(directory: string, code: ErrorCode, problem: string, received: string, fix: string) {
    super('AssemblyError', directory, code, problem, received, fix);
  }
}

/** The templates of an assembly. */
export interface LoadedAssembly {
  readonly stacks: LoadedStack[];
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
  const unreadable: string[] = [];
  const stackNames = new Map<string, string>();
  readAssembly(directory, manifest as { artifacts?: unknown }, '', { stacks, stackNames }, unreadable, new Set([path.resolve(directory)]));
  if (unreadable.length > 0) {
    throw new AssemblyError(directory, 'UnreadableTemplate',
      `${unreadable.length === 1 ? 'a file' : `${unreadable.length} files`} of the assembly cannot be read, so nothing is proven from it.`, unreadable.join('; '),
      'synthesize again (`cdk synth`) and pass the whole directory it wrote; a template cut short (a full disk, an interrupted copy) must be complete');
  }
  return { stacks, stackNames };
}

/** Reads the stacks of one (nested) assembly into `into`; what cannot be read goes to `unreadable`. */
function readAssembly(
  directory: string, manifest: { artifacts?: unknown }, prefix: string, into: LoadedAssembly, unreadable: string[], visited: Set<string>,
): void {
  const { stacks } = into;
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
        unreadable.push(`stack ${id}: the manifest names no templateFile`);
        continue;
      }
      const stackName = property(artifact, 'stackName');
      if (stackName !== undefined && stackName !== `${prefix}${id}`) into.stackNames.set(`${prefix}${id}`, stackName);
      loadStack(directory, `${prefix}${id}`, path.join(directory, file), undefined, assetFiles, stacks, unreadable, [path.join(directory, file)]);
    } else if (artifact.type === 'cdk:cloud-assembly') {
      const name = property(artifact, 'directoryName');
      const nestedDir = name === undefined ? undefined : path.resolve(directory, name);
      // A nested assembly named twice (or by itself) is read once.
      if (nestedDir !== undefined && visited.has(nestedDir)) continue;
      const nested = nestedDir === undefined ? undefined : readJson(path.join(nestedDir, 'manifest.json'));
      if (nestedDir === undefined || !isObject(nested)) {
        unreadable.push(`nested assembly ${id}: ${nestedDir === undefined ? 'the manifest names no directoryName' : `${path.join(nestedDir, 'manifest.json')} is missing or not JSON`}`);
        continue;
      }
      visited.add(nestedDir);
      readAssembly(nestedDir, nested, `${prefix}${id}/`, into, unreadable, visited);
    }
  }
}

function loadStack(
  directory: string, id: string, file: string, parent: LoadedStack['parent'],
  assetFiles: Map<string, string>, stacks: LoadedStack[], unreadable: string[], chain: string[],
): void {
  const template = readJson(file);
  if (!isObject(template)) {
    unreadable.push(`stack ${id}: template ${file} is not valid JSON (${template instanceof Error ? template.message : 'not an object'})`);
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
      unreadable.push(`stack ${id}: nested stack ${logicalId} has no template in the assembly, or one that nests itself`);
      continue;
    }
    loadStack(directory, `${id}/${logicalId}`, nestedFile, { stackId: id, logicalId }, assetFiles, stacks, unreadable, [...chain, nestedFile]);
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
