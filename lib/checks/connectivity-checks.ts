import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { AssemblyError } from '../model/cloud-assembly';
import { FlowCheck, FlowModel } from '../model/flow-model';
import { StackTemplate } from '../model/stack-template';
import { FlowRole } from '../model/required-flows';

/**
 * Rule IDs `ConnectivityChecks` reports. The two flow rules carry the IDs of the `EksUpgradeSafetyChecks`
 * nag pack rules that run the same flow model, so a finding reads the same in both tools. Acknowledge it
 * per tool: `EksUpgradeSafety-EFL1[Flow::<id>]` for the pack, and the same ID prefixed with
 * `cdk-safe-eks-connectivity::` for this plugin (CDK namespaces acknowledgements by plugin name).
 */
export enum ConnectivityRule {
  /**
   * A required flow (control plane <-> nodes, nodes <-> nodes, load balancer -> nodes, or nodes -> a
   * data store that trusts a node group) fails, or holds only through the EKS-created group. Reported
   * per flow as `EksUpgradeSafety-EFL1[Flow::<flow id>]`.
   */
  FLOW_NOT_OWNED = 'EksUpgradeSafety-EFL1',
  /**
   * Nodes reach a database or cache only through the EKS-created group. Reported as
   * `EksUpgradeSafety-EDS1[ReachableOnlyThroughClusterSecurityGroup]`.
   */
  DATA_STORE_THROUGH_CLUSTER_GROUP = 'EksUpgradeSafety-EDS1',
  /** The synthesized templates could not be read. */
  ASSEMBLY_UNREADABLE = 'SafeEks-AssemblyUnreadable',
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
    this.webhookFlows = props.webhookFlows ?? true;
  }

  /** Evaluates the assemblies the templates belong to; one violation per failing flow. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
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
        violations.push({ ruleName: ConnectivityRule.ASSEMBLY_UNREADABLE, description: e.message, violatingResources: [], severity: 'error' });
        continue;
      }
      const report = model.evaluate({ webhookFlows: this.webhookFlows });
      warnings.push(...report.warnings);
      for (const flow of report.flows.filter((f) => !(f.allowedBefore && f.allowedAfterReplay))) {
        violations.push(toViolation(flow, model));
      }
    }
    return {
      success: violations.length === 0,
      violations,
      metadata: warnings.length > 0 ? { warnings: warnings.join('\n') } : undefined,
    };
  }
}

function toViolation(flow: FlowCheck, model: FlowModel): PolicyViolation {
  const stack = flow.cluster.slice(0, flow.cluster.lastIndexOf('/'));
  const logicalId = flow.cluster.slice(flow.cluster.lastIndexOf('/') + 1);
  const dataStore = flow.destination === FlowRole.DATABASE || flow.destination === FlowRole.CACHE;
  return {
    ruleName: dataStore && flow.allowedBefore
      ? `${ConnectivityRule.DATA_STORE_THROUGH_CLUSTER_GROUP}[ReachableOnlyThroughClusterSecurityGroup]`
      : `${ConnectivityRule.FLOW_NOT_OWNED}[Flow::${flow.flowId}]`,
    description: `${flow.flowId} (${flow.sourceLabel} -> ${flow.destinationLabel} ${flow.protocol} ${flow.ports}): `
      + (flow.allowedBefore ? `${flow.replayProblem}` : `${flow.problem}`),
    fix: flow.fix,
    severity: 'error',
    violatingResources: [{ resourceLogicalId: logicalId, templatePath: model.templatePathOf(stack), locations: ['Properties/ResourcesVpcConfig'] }],
  };
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
