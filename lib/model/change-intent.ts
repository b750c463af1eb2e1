/**
 * The hook through which constructs tell the change-safety diff what they meant. The engine knows no
 * construct: it hands each registered `IChangeIntent` a replacement or removal of a protected resource
 * with what the templates recorded (the resource's and each template's `Metadata`), and takes its verdict.
 */
import { ChangeKind } from './change-verdicts';

/** A replacement or removal of a protected resource, as an `IChangeIntent` sees it. */
export interface ProtectedChange {
  /** Stack name (nested stacks as `<parent>/<logical ID>`). */
  readonly stack: string;
  /** Logical ID of the resource. */
  readonly logicalId: string;
  /** `ChangeKind.REPLACED` or `ChangeKind.REMOVED`. */
  readonly change: ChangeKind;
  /** The resource as deployed: `Type`, `Properties`, `Metadata` and its other attributes. */
  readonly before: { [key: string]: unknown };
  /**
   * The resource after the change.
   *
   * @default - none: the resource is removed
   */
  readonly after?: { [key: string]: unknown };
  /** The resource has deletion protection before the change, so CloudFormation cannot delete it. */
  readonly deletionProtected: boolean;
  /** The template-level `Metadata` of each stack before the change, by stack name (stacks without it left out). */
  readonly templateMetadataBefore: { [stack: string]: unknown };
  /** The template-level `Metadata` of each stack after the change, by stack name. */
  readonly templateMetadataAfter: { [stack: string]: unknown };
}

/** What an `IChangeIntent` says about one change. */
export interface ChangeIntentVerdict {
  /** The change is what the construct meant: it is reported with `note`, not as a finding. */
  readonly intended: boolean;
  /**
   * For an intended removal: the construct retires the whole stack, so its other resources may leave
   * too, as those of a stack in `ChangeSafetyOptions.retiredStacks` may (a protected one still may not).
   *
   * @default false
   */
  readonly retiresStack?: boolean;
  /** A line for the report's warnings: what the construct meant, or what to do first. */
  readonly note: string;
}

/** What a construct meant by changes it makes, read from what it recorded in the templates. */
export interface IChangeIntent {
  /**
   * Judges the replacement or removal of a protected resource.
   *
   * @returns undefined when the change is none of this construct's business
   */
  judge(change: ProtectedChange): ChangeIntentVerdict | undefined;
}
