import { readAttachments } from './attachments';
import { CfnResolver, CfnTemplate, LoadedStack } from './cfn-resolver';
import { loadAssembly } from './cloud-assembly';
import { NetworkReader, NetworkSnapshot } from './network';
import { SecurityGroupGraph } from './security-group-graph';
import { StackTemplate } from './stack-template';

/** Reads the network from CloudFormation templates: a cloud assembly directory, or templates in memory. */
export class TemplateReader implements NetworkReader {
  /** Every stack of the assembly in `directory`; throws `AssemblyError` when the directory, its manifest or a file they lead to cannot be read. */
  public static fromAssemblyDirectory(directory: string): TemplateReader {
    return new TemplateReader(loadAssembly(directory).stacks);
  }

  /** Templates already in memory; exports, imports and nested stacks are matched by name. */
  public static fromTemplates(templates: readonly StackTemplate[]): TemplateReader {
    return new TemplateReader(templates.map((t) => {
      const parent = t.parentStackName !== undefined && t.parentLogicalId !== undefined
        ? { stackId: t.parentStackName, logicalId: t.parentLogicalId } : undefined;
      return { id: parent ? `${parent.stackId}/${parent.logicalId}` : t.stackName, template: t.template as CfnTemplate, templatePath: t.templatePath, parent };
    }));
  }

  private constructor(private readonly stacks: readonly LoadedStack[]) {}

  public read(): NetworkSnapshot {
    const warnings: string[] = [];
    const resolver = new CfnResolver(this.stacks);
    const graph = new SecurityGroupGraph(resolver, this.stacks, warnings);
    const attachments = readAttachments(resolver, graph, this.stacks, warnings);
    return {
      groups: graph.index(), attachments, warnings,
      eksCreatedRuleWriters: graph.eksCreatedRuleWriters, ingressPeers: graph.ingressPeers, unreadable: graph.unreadable,
      sources: new Map(this.stacks.map((s) => [s.id, s.templatePath])),
    };
  }
}
