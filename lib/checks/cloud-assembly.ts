import * as fs from 'fs';
import * as path from 'path';
import { CfnTemplate, LoadedStack } from './cfn-resolver';

/**
 * The assembly directory itself is unusable (missing, no manifest, manifest not JSON). Everything
 * below that level (one broken template, a nested template that is not there) is a warning instead,
 * so one bad file never hides the rest of the report.
 */
export class AssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyError';
  }
}

/** The templates of an assembly, and what could not be read. */
export interface LoadedAssembly {
  readonly stacks: LoadedStack[];
  readonly warnings: string[];
}

interface ManifestArtifact {
  readonly type?: string;
  readonly displayName?: string;
  readonly properties?: { readonly templateFile?: string; readonly file?: string; readonly directoryName?: string };
}

const NESTED_STACK = 'AWS::CloudFormation::Stack';
const ASSET_HASH = /([0-9a-f]{64})\.json/;

/** Reads every CloudFormation stack of the assembly in `directory`, nested stages and nested stacks included. */
export function loadAssembly(directory: string): LoadedAssembly {
  const manifestPath = path.join(directory, 'manifest.json');
  if (!fs.existsSync(directory)) throw new AssemblyError(`${directory} does not exist. Run \`cdk synth\` first, or pass the directory it wrote (usually cdk.out).`);
  if (!fs.existsSync(manifestPath)) throw new AssemblyError(`${directory} is not a cloud assembly: it has no manifest.json. Pass the directory \`cdk synth\` wrote (usually cdk.out).`);
  const manifest = readJson(manifestPath);
  if (manifest instanceof Error || typeof manifest !== 'object' || manifest === null) {
    throw new AssemblyError(`${manifestPath} is not valid JSON (${manifest instanceof Error ? manifest.message : 'not an object'}). Synthesize again.`);
  }
  const stacks: LoadedStack[] = [];
  const warnings: string[] = [];
  readAssembly(directory, manifest as { artifacts?: { [id: string]: ManifestArtifact } }, '', stacks, warnings);
  return { stacks, warnings };
}

function readAssembly(
  directory: string, manifest: { artifacts?: { [id: string]: ManifestArtifact } }, prefix: string,
  stacks: LoadedStack[], warnings: string[],
): void {
  const artifacts = Object.entries(manifest.artifacts ?? {});
  const assetFiles = new Map<string, string>();
  for (const [, artifact] of artifacts) {
    if (artifact.type === 'cdk:asset-manifest' && artifact.properties?.file) {
      collectAssetFiles(path.join(directory, artifact.properties.file), assetFiles);
    }
  }
  for (const [id, artifact] of artifacts) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const file = artifact.properties?.templateFile;
      if (!file) {
        warnings.push(`stack ${id}: manifest names no templateFile; skipped`);
        continue;
      }
      loadStack(directory, `${prefix}${id}`, path.join(directory, file), undefined, assetFiles, stacks, warnings);
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      const nestedDir = path.join(directory, artifact.properties.directoryName);
      const nested = readJson(path.join(nestedDir, 'manifest.json'));
      if (nested instanceof Error || typeof nested !== 'object' || nested === null) {
        warnings.push(`nested assembly ${id}: manifest.json unreadable; skipped`);
        continue;
      }
      readAssembly(nestedDir, nested as { artifacts?: { [id: string]: ManifestArtifact } }, `${prefix}${id}/`, stacks, warnings);
    }
  }
}

function loadStack(
  directory: string, id: string, file: string, parent: LoadedStack['parent'],
  assetFiles: Map<string, string>, stacks: LoadedStack[], warnings: string[],
): void {
  const template = readJson(file);
  if (template instanceof Error || typeof template !== 'object' || template === null) {
    warnings.push(`stack ${id}: template ${path.basename(file)} is not valid JSON (${template instanceof Error ? template.message : 'not an object'}); its resources are not modelled`);
    return;
  }
  const stack: LoadedStack = { id, template: template as CfnTemplate, templatePath: file, parent };
  stacks.push(stack);
  for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
    if (resource?.Type !== NESTED_STACK) continue;
    const nestedFile = nestedTemplateFile(directory, resource, assetFiles);
    if (nestedFile === undefined) {
      warnings.push(`stack ${id}: nested stack ${logicalId} has no template in the assembly; its resources are not modelled`);
      continue;
    }
    loadStack(directory, `${id}/${logicalId}`, nestedFile, { stackId: id, logicalId }, assetFiles, stacks, warnings);
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
  const assets = readJson(file) as { files?: { [hash: string]: { source?: { path?: string } } } } | Error;
  if (assets instanceof Error) return;
  for (const [hash, asset] of Object.entries(assets?.files ?? {})) {
    if (typeof asset?.source?.path === 'string') into.set(hash, asset.source.path);
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
