import { checkCompareArguments } from './argument-checks';
import { ChangeIntentVerdict, IChangeIntent } from './change-intent';
import { ChangeFinding, ChangeKind, ChangeReport, FindingKind, IReplacementRules, ResourceChange } from './change-verdicts';
import { lostFlows } from './change-flows';
import { regeneratedSecrets, uniqueKeyClashes } from './change-hazards';
import { Resource, Side, isDeletionProtected, readSide, templateMetadata } from './change-sides';
import { StackTemplate } from './stack-template';
import { LoadedTemplates, loadTemplates } from './template-directory';
import { PropertyPath, changedPaths, deepEqual, importsIn, pathMatches, referencesIn } from './template-diff';

/** Options of `ChangeSafety.compare`. */
export interface ChangeSafetyOptions {
  /**
   * Prove the webhook flows (see `FlowEvaluationOptions.webhookFlows`).
   *
   * @default true
   */
  readonly webhookFlows?: boolean;
  /**
   * Stacks removed on purpose (step 2 of retiring a cluster): deleting their resources is reported,
   * not unsafe, unless one of them is still deletion-protected.
   *
   * @default - none: every protected resource that leaves is unsafe
   */
  readonly retiredStacks?: string[];
  /**
   * What constructs meant, read from what they recorded in the templates: each may judge the
   * replacement or removal of a protected resource as intended (then it is a note, not a finding).
   * `cdk-safe-eks diff` passes `new PairChangeIntent()`, which knows the idle color of a blue-green pair.
   *
   * @default - none: every replacement or removal of a protected resource is judged by the rules alone
   */
  readonly intents?: IChangeIntent[];
}

interface Verdict {
  change: ChangeKind;
  reasons: string[];
  readonly changedProperties: string[];
  readonly changedAttributes: string[];
}

/** Resource types whose replacement or deletion loses a cluster, its connectivity, data or the keys to data. */
const PROTECTED_TYPES: { [type: string]: string } = {
  'AWS::EKS::Cluster': 'EKS cluster',
  'AWS::EC2::SecurityGroup': 'security group',
  'AWS::RDS::DBCluster': 'database',
  'AWS::RDS::DBInstance': 'database',
  'AWS::ElastiCache::ReplicationGroup': 'cache',
  'AWS::ElastiCache::CacheCluster': 'cache',
  'AWS::ElastiCache::ServerlessCache': 'cache',
  'AWS::KMS::Key': 'KMS key',
  'AWS::SecretsManager::Secret': 'secret',
};

/** Types whose changes need no schema: CDK's analytics and custom resources, whose handler decides. */
const UNJUDGED_TYPE = /^(AWS::CDK::Metadata|Custom::.*|AWS::CloudFormation::CustomResource)$/;
const RETAINED = new Set(['Retain', 'RetainExceptOnCreate']);

/**
 * Compares two versions of a set of CloudFormation stacks (two cloud assemblies, or the deployed
 * templates and a new synthesis) and says, per resource, what a deploy would do, and whether it
 * loses a cluster, a flow or data. Replacement is decided from the create-only properties of the
 * CloudFormation resource schemas, nested properties included, and follows references: a resource
 * whose create-only property names a replaced resource (or imports a changing export) is replaced too.
 */
export class ChangeSafety {
  /**
   * The stack templates of a cloud assembly directory, or of a directory of deployed templates
   * (`<StackName>.json` or `<StackName>.template.json`, as `aws cloudformation get-template --query TemplateBody` writes them).
   * Throws an error `SafeEksErrors.isSafeEksError` recognises (`AssemblyDirectory`, `NoTemplates`...) when the directory is missing or holds no template.
   */
  public static templatesOf(directory: string): LoadedTemplates {
    return loadTemplates(directory);
  }

  /** Compares `before` (what is deployed) with `after` (what the deploy would make of it). */
  public static compare(before: StackTemplate[], after: StackTemplate[], rules: IReplacementRules, options: ChangeSafetyOptions = {}): ChangeReport {
    checkCompareArguments(before, after, rules, options);
    return new ChangeSafety(before, after, rules, options).report();
  }

  private readonly before: Side;
  private readonly after: Side;
  private readonly verdicts = new Map<string, Verdict>();
  private readonly warnings: string[] = [];
  private readonly findings: ChangeFinding[] = [];
  /** The templates' own `Metadata`, by stack, read once for the intents. */
  private metadata?: { readonly before: { [stack: string]: unknown }; readonly after: { [stack: string]: unknown } };

  private constructor(
    private readonly beforeTemplates: StackTemplate[], private readonly afterTemplates: StackTemplate[],
    private readonly rules: IReplacementRules, private readonly options: ChangeSafetyOptions,
  ) {
    this.before = readSide(beforeTemplates);
    this.after = readSide(afterTemplates);
  }

  private report(): ChangeReport {
    this.judgeDirectChanges();
    while (this.propagateReplacements()) { /* until no resource changes its verdict */ }
    const resources = this.resourceChanges();
    this.checkProtectedRemovals();
    this.checkExports();
    const verdictOf = (stack: string, logicalId: string) => this.verdicts.get(key(stack, logicalId));
    this.findings.push(...regeneratedSecrets(this.after, verdictOf), ...uniqueKeyClashes(this.before, this.after, verdictOf));
    this.findings.push(...lostFlows(this.beforeTemplates, this.afterTemplates, this.options.webhookFlows, this.warnings));
    const stacksAdded = [...this.after.stacks.keys()].filter((s) => !this.before.stacks.has(s));
    const stacksRemoved = [...this.before.stacks.keys()].filter((s) => !this.after.stacks.has(s));
    return { resources, findings: this.findings, stacksAdded, stacksRemoved, warnings: [...new Set(this.warnings)], safe: this.findings.length === 0 };
  }

  private judgeDirectChanges(): void {
    const stacks = new Set([...this.before.stacks.keys(), ...this.after.stacks.keys()]);
    for (const stack of stacks) {
      const before = this.before.stacks.get(stack) ?? {};
      const after = this.after.stacks.get(stack) ?? {};
      for (const logicalId of new Set([...Object.keys(before), ...Object.keys(after)])) {
        this.verdicts.set(key(stack, logicalId), this.judge(before[logicalId], after[logicalId]));
      }
    }
  }

  private judge(before: Resource | undefined, after: Resource | undefined): Verdict {
    const none = { reasons: [], changedProperties: [], changedAttributes: [] };
    if (before === undefined) return { change: ChangeKind.ADDED, ...none };
    if (after === undefined) return { change: ChangeKind.REMOVED, ...none };
    if (before.Type !== after.Type) {
      return { ...none, change: ChangeKind.REPLACED, reasons: [`Type changes from ${String(before.Type)} to ${String(after.Type)}`] };
    }
    const paths = changedPaths(before.Properties ?? {}, after.Properties ?? {});
    const changedAttributes = (['DeletionPolicy', 'UpdateReplacePolicy', 'DependsOn', 'Condition'] as const).filter((a) => !deepEqual(before[a], after[a]));
    const verdict: Verdict = { change: ChangeKind.UNCHANGED, reasons: [], changedProperties: [...new Set(paths.map((p) => p.join('.')))], changedAttributes };
    if (paths.length > 0) this.applyPaths(verdict, String(after.Type), paths, (p) => `${p} changes`);
    if (verdict.change === ChangeKind.UNCHANGED && (paths.length > 0 || changedAttributes.length > 0)) verdict.change = ChangeKind.UPDATED;
    return verdict;
  }

  /** Raises `verdict` to a replacement when one of `paths` is create-only for `type`; `reason` words it. */
  private applyPaths(verdict: Verdict, type: string, paths: PropertyPath[], reason: (path: string) => string): void {
    const rules = this.rules.replacementPaths(type);
    if (rules === undefined) {
      if (!UNJUDGED_TYPE.test(type)) this.warnings.push(`${type} is not in the resource schemas: its changes are reported as updates in place`);
      return;
    }
    for (const rule of rules) {
      const segments = rule.path.split('.');
      const hits = paths.filter((p) => pathMatches(segments, p));
      if (hits.length === 0) continue;
      verdict.reasons.push(...new Set(hits.map((p) => reason(`${p.join('.')} (create-only: ${rule.path}${rule.conditional ? ', conditionally' : ''})`))));
      if (!rule.conditional) verdict.change = ChangeKind.REPLACED;
      else if (verdict.change !== ChangeKind.REPLACED) verdict.change = ChangeKind.MAY_BE_REPLACED;
    }
  }

  /**
   * One pass: a resource whose properties (as after the change) name a replaced resource of its
   * stack, or import an export whose value changes, gets a new value there. Returns true when some
   * verdict changed, so the caller repeats until the replacements have spread as far as they go.
   */
  private propagateReplacements(): boolean {
    const changingExports = new Set(this.changingExports().map((e) => e.name));
    let changed = false;
    for (const [stack, resources] of this.after.stacks) {
      for (const [logicalId, resource] of Object.entries(resources)) {
        const verdict = this.verdicts.get(key(stack, logicalId))!;
        if (verdict.change === ChangeKind.ADDED || verdict.change === ChangeKind.REPLACED) continue;
        const triggers = [
          ...referencesIn(resource.Properties).filter((r) => this.isReplaced(stack, r.logicalId))
            .map((r) => ({ path: r.path, why: `${r.logicalId} is replaced` })),
          ...importsIn(resource.Properties).filter((i) => changingExports.has(i.exportName))
            .map((i) => ({ path: i.path, why: `export ${i.exportName} changes` })),
        ];
        const fresh = triggers.filter((t) => !verdict.reasons.some((r) => r.startsWith(t.why)));
        if (fresh.length === 0) continue;
        for (const t of fresh) this.applyPaths(verdict, String(resource.Type), [t.path], (p) => `${t.why}, and ${p} names it`);
        // Each trigger is recorded once, as a replacement or as an update in place, so the passes end.
        verdict.reasons.push(...fresh.filter((t) => !verdict.reasons.some((r) => r.startsWith(t.why)))
          .map((t) => `${t.why}: ${t.path.join('.')} gets the new value in place`));
        if (verdict.change === ChangeKind.UNCHANGED) verdict.change = ChangeKind.UPDATED;
        changed = true;
      }
    }
    return changed;
  }

  private isReplaced(stack: string, logicalId: string): boolean {
    const change = this.verdicts.get(key(stack, logicalId))?.change;
    return change === ChangeKind.REPLACED;
  }

  /** Exports of `before` whose value changes (textually or through a replaced resource) or that disappear. */
  private changingExports(): Array<{ name: string; stack: string; removed: boolean; why: string }> {
    const result: Array<{ name: string; stack: string; removed: boolean; why: string }> = [];
    for (const [name, before] of this.before.exports) {
      const after = this.after.exports.get(name);
      if (after === undefined) {
        result.push({ name, stack: before.stack, removed: true, why: 'the export is removed' });
        continue;
      }
      const replaced = referencesIn(after.value).find((r) => this.isReplaced(after.stack, r.logicalId));
      if (!deepEqual(before.value, after.value)) result.push({ name, stack: after.stack, removed: false, why: 'its value changes' });
      else if (replaced) result.push({ name, stack: after.stack, removed: false, why: `its value is ${replaced.logicalId}, which is replaced` });
    }
    return result;
  }

  private resourceChanges(): ResourceChange[] {
    const removals = this.intendedRemovals();
    const retired = new Set([...this.options.retiredStacks ?? [], ...removals.retiredStacks]);
    const changes: ResourceChange[] = [];
    for (const [k, verdict] of [...this.verdicts].sort(([a], [b]) => a.localeCompare(b))) {
      const [stack, logicalId] = k.split('\u0000');
      const before = this.before.stacks.get(stack)?.[logicalId];
      const after = this.after.stacks.get(stack)?.[logicalId];
      const resource = after ?? before!;
      const type = String(resource.Type);
      const category = PROTECTED_TYPES[type];
      const replacement = category !== undefined && verdict.change === ChangeKind.REPLACED && before !== undefined
        ? this.intentOf(stack, logicalId, ChangeKind.REPLACED, before, after) : undefined;
      if (replacement !== undefined) this.warnings.push(replacement.note);
      const intended = (replacement ?? removals.verdicts.get(k))?.intended === true;
      const unsafe = category !== undefined && !intended && this.destroys(verdict.change, before, retired.has(stack));
      changes.push({
        stack, logicalId, type, change: verdict.change, unsafe, category,
        reasons: verdict.reasons, changedProperties: verdict.changedProperties, changedAttributes: verdict.changedAttributes,
      });
      if (unsafe) this.findings.push(resourceFinding(stack, logicalId, category!, verdict));
      if (category !== undefined && verdict.change === ChangeKind.MAY_BE_REPLACED) {
        this.warnings.push(`${stack}/${logicalId} (${category}) may be replaced, depending on the new value: ${verdict.reasons.join('; ')}. `
          + 'The schema marks these properties as conditionally create-only; read their "Update requires" in the CloudFormation documentation.');
      }
    }
    return changes;
  }

  /**
   * The removals of protected resources that a registered intent judges, in template order, and the
   * stacks an intended removal retires: their resources may go, as those of `retiredStacks` may.
   */
  private intendedRemovals(): { verdicts: Map<string, ChangeIntentVerdict>; retiredStacks: string[] } {
    const verdicts = new Map<string, ChangeIntentVerdict>();
    const retiredStacks: string[] = [];
    for (const [stack, resources] of this.before.stacks) {
      for (const [logicalId, resource] of Object.entries(resources)) {
        if (this.verdicts.get(key(stack, logicalId))?.change !== ChangeKind.REMOVED || PROTECTED_TYPES[String(resource.Type)] === undefined) continue;
        const intent = this.intentOf(stack, logicalId, ChangeKind.REMOVED, resource, undefined);
        if (intent === undefined) continue;
        verdicts.set(key(stack, logicalId), intent);
        this.warnings.push(intent.note);
        if (intent.intended && intent.retiresStack === true) retiredStacks.push(stack);
      }
    }
    return { verdicts, retiredStacks };
  }

  /** The first verdict of a registered intent on the change of one protected resource. */
  private intentOf(stack: string, logicalId: string, change: ChangeKind, before: Resource, after: Resource | undefined): ChangeIntentVerdict | undefined {
    this.metadata ??= { before: templateMetadata(this.beforeTemplates), after: templateMetadata(this.afterTemplates) };
    const context = {
      stack, logicalId, change, before: { ...before }, after: after === undefined ? undefined : { ...after },
      deletionProtected: isDeletionProtected(before), templateMetadataBefore: this.metadata.before, templateMetadataAfter: this.metadata.after,
    };
    for (const intent of this.options.intents ?? []) {
      const verdict = intent.judge(context);
      if (verdict !== undefined) return verdict;
    }
    return undefined;
  }

  /** A replacement always loses the resource; a removal unless it is retained, or its stack is retired on purpose. */
  private destroys(change: ChangeKind, before: Resource | undefined, retiredStack: boolean): boolean {
    if (change === ChangeKind.REPLACED) return true;
    if (change !== ChangeKind.REMOVED) return false;
    return !RETAINED.has(String(before?.DeletionPolicy)) && !(retiredStack && !isDeletionProtected(before!));
  }

  private checkProtectedRemovals(): void {
    for (const [stack, resources] of this.before.stacks) {
      const stackRemoved = !this.after.stacks.has(stack);
      for (const [logicalId, resource] of Object.entries(resources)) {
        if (this.verdicts.get(key(stack, logicalId))?.change !== ChangeKind.REMOVED || !isDeletionProtected(resource)) continue;
        const what = resource.Type === 'AWS::EKS::Cluster' ? 'cluster' : 'database';
        const dependents = what === 'cluster' ? 'node groups, access entries and add-ons' : 'instances';
        this.findings.push({
          kind: FindingKind.PROTECTED_REMOVED,
          subject: `${stack}/${logicalId}`,
          message: `${stackRemoved ? `stack ${stack} is removed` : `${logicalId} is removed from stack ${stack}`} while the ${what} is deletion-protected: `
            + `CloudFormation deletes what depends on it first (${dependents}, unless retained), then fails on the ${what}, leaving it DELETE_FAILED.`,
          fix: 'retire it in two deploys: first set deletionProtection: false and deploy (an update in place); then '
            + (stackRemoved
              ? `remove the stack from the app, check with \`cdk-safe-eks diff --retire ${stack}\`, and run \`cdk destroy ${stack}\` before deploying the stacks it imports from`
              : `remove the ${what} and deploy`),
        });
      }
    }
  }

  private checkExports(): void {
    for (const e of this.changingExports()) {
      // A retired stack is destroyed before the exporting stack is deployed: its imports no longer hold the export.
      const retired = new Set(this.options.retiredStacks ?? []);
      const importers = [...this.before.imports.get(e.name) ?? []].filter((s) => s !== e.stack && !retired.has(s));
      if (importers.length === 0) continue;
      this.findings.push({
        kind: FindingKind.EXPORT_IN_USE,
        subject: `${e.stack} export ${e.name}`,
        message: `${e.why} while ${importers.join(', ')} import${importers.length === 1 ? 's' : ''} it: CloudFormation refuses the update of ${e.stack} `
          + `("Export ${e.name} cannot be updated as it is in use by ${importers[0]}").`,
        fix: e.removed
          ? `keep the export until no stack imports it, then remove it in a later deploy`
          : `keep the exported resource as it is (see the replaced resources above), or move the importing stacks off the export first`,
      });
    }
  }

}

function resourceFinding(stack: string, logicalId: string, category: string, verdict: Verdict): ChangeFinding {
  const replaced = verdict.change !== ChangeKind.REMOVED;
  const consequence: { [category: string]: string } = {
    'EKS cluster': 'a new, empty cluster (and a literal name makes the update fail half-way)',
    'security group': 'a new group ID: every rule, export and cluster that names the group follows',
    'database': 'a new, empty database',
    'cache': 'a new, empty cache with a new endpoint',
    'KMS key': 'data encrypted under the old key becomes unreadable once it is deleted',
    'secret': 'new credentials; clients holding the old ARN lose them',
  };
  return {
    kind: replaced ? FindingKind.REPLACED : FindingKind.REMOVED,
    subject: `${stack}/${logicalId}`,
    message: replaced
      ? `the ${category} is replaced: ${verdict.reasons.join('; ')}. That means ${consequence[category]}.`
      : `the ${category} is deleted.`,
    fix: replaced
      ? 'revert the create-only property, or create the new resource next to the old one (a new color, a new store) and move to it'
      : 'keep it, or retain it (RemovalPolicy.RETAIN) before removing it from the app',
  };
}

function key(stack: string, logicalId: string): string {
  return `${stack}\u0000${logicalId}`;
}
