import * as fs from 'fs';
import * as path from 'path';
import { AssemblyError, loadAssembly } from './cloud-assembly';
import { StackTemplate } from './stack-template';

/** The stack templates of one side of a comparison, and what could not be read. */
export interface LoadedTemplates {
  readonly templates: StackTemplate[];
  readonly warnings: string[];
}

const TEMPLATE_FILE = /^(.+?)(\.template)?\.json$/;

/**
 * Reads the stack templates of `directory`: a cloud assembly (it has a `manifest.json`: stacks go by
 * the name they deploy under, nested stacks by `<parent>/<logical ID>`), or a directory of deployed
 * templates, one `<StackName>.json` or `<StackName>.template.json` per stack, as
 * `aws cloudformation get-template --stack-name <StackName> --query TemplateBody` writes them (the
 * whole `get-template` answer, with `TemplateBody` inside, is read too). JSON only. Throws
 * `AssemblyError` when the directory is missing or holds no template.
 */
export function loadTemplates(directory: string): LoadedTemplates {
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    throw new AssemblyError(directory, 'AssemblyDirectory', 'the path is not a directory.', fs.existsSync(directory) ? 'a file' : 'nothing at that path',
      'pass a cloud assembly (cdk.out) or a directory of deployed templates (<StackName>.json)');
  }
  if (fs.existsSync(path.join(directory, 'manifest.json'))) return fromAssembly(directory);
  return fromDeployedTemplates(directory);
}

function fromAssembly(directory: string): LoadedTemplates {
  const assembly = loadAssembly(directory);
  const name = (id: string) => assembly.stackNames.get(id) ?? id;
  const templates = assembly.stacks.map((s): StackTemplate => ({
    stackName: s.parent === undefined ? name(s.id) : s.id,
    template: s.template as { [key: string]: unknown },
    templatePath: s.templatePath,
    parentStackName: s.parent === undefined ? undefined : name(s.parent.stackId),
    parentLogicalId: s.parent?.logicalId,
  }));
  // loadAssembly throws on anything it cannot read: an assembly warns of nothing here.
  return { templates, warnings: [] };
}

function fromDeployedTemplates(directory: string): LoadedTemplates {
  const warnings: string[] = [];
  const unreadable: string[] = [];
  const templates: StackTemplate[] = [];
  for (const file of fs.readdirSync(directory).sort()) {
    const match = TEMPLATE_FILE.exec(file);
    if (!match) continue;
    const templatePath = path.join(directory, file);
    const template = readTemplate(templatePath);
    if (typeof template !== 'string') templates.push({ stackName: match[1], template, templatePath });
    else if (template.startsWith('no Resources')) warnings.push(`${file}: ${template}; skipped`);
    else unreadable.push(`${templatePath}: ${template}`);
  }
  // A template cut short is a stack that would leave the comparison unseen: nothing is judged without it.
  if (unreadable.length > 0) {
    throw new AssemblyError(directory, 'UnreadableTemplate', `${unreadable.length === 1 ? 'a template' : `${unreadable.length} templates`} of the directory cannot be read.`,
      unreadable.join('; '), 'save each deployed stack again with `aws cloudformation get-template --stack-name <StackName> --query TemplateBody > <dir>/<StackName>.json`');
  }
  if (templates.length === 0) {
    throw new AssemblyError(directory, 'NoTemplates', 'the directory holds no cloud assembly (manifest.json) and no template (<StackName>.json with a Resources section).',
      warnings.length > 0 ? warnings.join('; ') : 'no <StackName>.json file',
      'save each deployed stack with `aws cloudformation get-template --stack-name <StackName> --query TemplateBody > <dir>/<StackName>.json`');
  }
  return { templates, warnings };
}

/** The template in `file`, or why it is not one. */
function readTemplate(file: string): { [key: string]: unknown } | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return `not valid JSON (${e instanceof Error ? e.message : String(e)}); save templates as JSON`;
  }
  // The whole get-template answer: the template is under TemplateBody, as an object or a JSON string.
  if (isObject(parsed) && 'TemplateBody' in parsed) {
    const body = parsed.TemplateBody;
    try {
      parsed = typeof body === 'string' ? JSON.parse(body) : body;
    } catch {
      return 'TemplateBody is not JSON (a YAML template?); save templates as JSON';
    }
  }
  return isObject(parsed) && isObject(parsed.Resources) ? parsed : 'no Resources section: not a CloudFormation template';
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
