import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { AssemblyError } from '../model/cloud-assembly';
import { Findings } from '../model/findings';
import { FlowCheck, FlowModel } from '../model/flow-model';
import { flowFails, flowProblem, flowTitle } from '../model/flow-text';
import { StackTemplate } from '../model/stack-template';
import { checkProps } from '../private/guards';

/**
 * Rule IDs `ConnectivityChecks` reports: the catalogue's (`lib/model/findings.ts`), the same IDs the
 * `EksUpgradeSafetyChecks` nag pack uses, so a finding reads the same in both tools. Acknowledge one in
 * the cluster's intent (`SafeCluster.acknowledgeConnectivityFinding`, honoured by every checker and the
 * CLI), or for this plugin alone with the ID prefixed by `cdk-safe-eks-connectivity::`.
 */
export enum ConnectivityRule {
  /**
   * A required flow (control plane <-> a workload, between workloads, load balancer -> a workload, or a
   * workload -> a data store that trusts it) fails, or holds only through the EKS-created group. Reported
   * per flow as `EksUpgradeSafety-EFL1[Flow::<flow id>]` (`[Flow::<flow id>::<workload>]` beyond node groups).
   */
  FLOW_NOT_OWNED = 'EksUpgradeSafety-EFL1',
  /**
   * A workload reaches a database or cache only through the EKS-created group. Reported as
   * `EksUpgradeSafety-EDS1[ReachableOnlyThroughClusterSecurityGroup]`.
   */
  DATA_STORE_THROUGH_CLUSTER_GROUP = 'EksUpgradeSafety-EDS1',
  /** Nothing about a cluster could be proven: no workload of it in the app. */
  UNPROVEN = 'EksUpgradeSafety-EUP1',
  /** The synthesized templates could not be read. */
  ASSEMBLY_UNREADABLE = 'EksUpgradeSafety-EAS1',
}

/** Options of `ConnectivityChecks`. */
export interface ConnectivityChecksProps {
  /**
   * `false` leaves the webhook flows (control plane to nodes on 4443, 6443, 8443, 9443, 10251) out for every
   * cluster. Not needed for a `SafeCluster`: the flows it requires are recorded in its template and proven as recorded.
   *
   * @default true - each cluster's recorded flows, or the whole table for a cluster built without this library
   */
  readonly webhookFlows?: boolean;
}

/**
 * Policy-validation plugin that proves, on the synthesized templates of any app (built with this
 * library or not), that every required flow of every EKS cluster holds through owned rules, also
 * with the EKS-created cluster security group stripped. Works on `context.templatePaths`, like
 * cdk-validator-cfnguard, so cross-stack imports and nested stacks are followed.
 *
 * @example
 * Validations.of(app).addPlugins(new ConnectivityChecks());
 */
export class ConnectivityChecks implements IPolicyValidationPlugin {
  /** Plugin name: shown in the validation report, and the namespace of its acknowledgement IDs. */
  public static readonly PLUGIN_NAME = 'cdk-safe-eks-connectivity';

  /** Shown in the validation report. */
  public readonly name: string = ConnectivityChecks.PLUGIN_NAME;
  /** Every rule this plugin reports. */
  public readonly ruleIds?: string[] = Object.values(ConnectivityRule);
  private readonly webhookFlows: boolean;

  constructor(props: ConnectivityChecksProps = {}) {
    checkProps('ConnectivityChecks', 'props', props, { webhookFlows: { type: 'boolean' } });
    this.webhookFlows = props.webhookFlows ?? true;
  }

  /** Evaluates the assemblies the templates belong to; one violation per failing flow. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    checkProps('ConnectivityChecks.validate', 'context', context, { templatePaths: { type: 'array', required: true, items: { type: 'string' } } });
    const violations: PolicyViolation[] = [];
    const warnings: string[] = [];
    for (const [directory, templates] of byDirectory(context.templatePaths)) {
      let model: FlowModel;
      try {
        model = fs.existsSync(path.join(directory, 'manifest.json'))
          ? FlowModel.fromAssemblyDirectory(directory)
          : FlowModel.fromTemplates(templates.flatMap((file) => readTemplate(file, warnings)));
      } catch (e) {
        if (!(e instanceof AssemblyError)) throw e;
        violations.push({ ruleName: Findings.ASSEMBLY_UNREADABLE.id, description: e.message, violatingResources: [], severity: 'error' });
        continue;
      }
      const report = model.evaluate({ webhookFlows: this.webhookFlows });
      warnings.push(...report.warnings);
      violations.push(...report.flows.filter(flowFails).map((flow) => toViolation(flow, model)));
      violations.push(...report.unproven.filter((u) => u.acknowledged === undefined).map((u) => ({
        ruleName: u.findingId, description: `${u.cluster}: ${u.reason}`, severity: 'error',
        violatingResources: [clusterResource(u.cluster, model)],
      })));
    }
    return {
      success: violations.length === 0,
      violations,
      metadata: warnings.length > 0 ? { warnings: warnings.join('\n') } : undefined,
    };
  }
}

function toViolation(flow: FlowCheck, model: FlowModel): PolicyViolation {
  return {
    ruleName: flow.findingId,
    description: `${flowTitle(flow)}: ${flowProblem(flow)}`,
    fix: flow.fix,
    severity: 'error',
    violatingResources: [clusterResource(flow.cluster, model)],
  };
}

// The model names a cluster `<stack>/<logical ID>`, and nested stacks `<parent>/<logical ID>` (the stack is everything before the last slash).
function clusterResource(cluster: string, model: FlowModel): PolicyViolation['violatingResources'][number] {
  const stack = cluster.slice(0, cluster.lastIndexOf('/'));
  const logicalId = cluster.slice(cluster.lastIndexOf('/') + 1);
  return { resourceLogicalId: logicalId, templatePath: model.templatePathOf(stack), locations: ['Properties/ResourcesVpcConfig'] };
}

function byDirectory(templatePaths: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const file of templatePaths) groups.set(path.dirname(file), [...groups.get(path.dirname(file)) ?? [], file]);
  return groups;
}

// Without a manifest each file is a stack named after it; an unreadable one is a warning, not a crash.
function readTemplate(file: string, warnings: string[]): StackTemplate[] {
  try {
    return [{ stackName: path.basename(file, '.template.json'), template: JSON.parse(fs.readFileSync(file, 'utf8')), templatePath: file }];
  } catch (e) {
    warnings.push(`${file}: not readable as JSON (${e instanceof Error ? e.message : String(e)}); its resources are not modelled`);
    return [];
  }
}
