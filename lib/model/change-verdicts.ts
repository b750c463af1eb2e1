// What `ChangeSafety.compare` says about a change, as data: per resource, its change and whether it is
// unsafe, and the reasons the change as a whole is unsafe.

/** A property path whose change replaces a resource, as a CloudFormation resource schema declares it. */
export interface ReplacementPath {
  /** Dot-separated path into `Properties`, `*` for any array element or map key, e.g. `ResourcesVpcConfig.SubnetIds`. */
  readonly path: string;
  /** The schema says a change *may* replace the resource, depending on the new value: reported as a warning, not as unsafe. */
  readonly conditional: boolean;
}

/**
 * The create-only properties of CloudFormation resource types. `CloudFormationSchema` fills it from
 * `@aws-cdk/aws-service-spec`; tests may pass a table.
 */
export interface IReplacementRules {
  /**
   * Paths whose change replaces a resource of `resourceType`, nested properties included.
   *
   * @returns undefined when the type is not known
   */
  replacementPaths(resourceType: string): ReplacementPath[] | undefined;
}

/** What a deploy does to one resource. */
export enum ChangeKind {
  ADDED = 'added',
  REMOVED = 'removed',
  UPDATED = 'updated',
  /** A create-only property changes: CloudFormation creates a new resource, then deletes the old one. */
  REPLACED = 'replaced',
  /** A property the schema marks as conditionally create-only changes: a warning, not unsafe on its own. */
  MAY_BE_REPLACED = 'may-be-replaced',
  UNCHANGED = 'unchanged',
}

/** Why a change is unsafe. */
export enum FindingKind {
  /** A cluster, owned security group, database, cache, KMS key or secret is replaced. */
  REPLACED = 'replaced',
  /** A cluster, owned security group, database, cache, KMS key or secret is deleted. */
  REMOVED = 'removed',
  /** A deletion-protected cluster or database leaves its stack: the deploy fails half-way. */
  PROTECTED_REMOVED = 'protected-removed',
  /** An export that another stack imports changes its value or disappears: CloudFormation refuses the update. */
  EXPORT_IN_USE = 'export-in-use',
  /** A required flow that holds before no longer holds after. */
  FLOW_LOST = 'flow-lost',
  /** A secret generates a new value while a store reads it by a dynamic reference that does not change: the store keeps the old credential. */
  SECRET_REGENERATED = 'secret-regenerated',
  /** A resource AWS allows once per key is created while the resource it takes over from still holds the key: the deploy fails. */
  UNIQUE_KEY_CLASH = 'unique-key-clash',
}

/** The verdict on one resource. */
export interface ResourceChange {
  /** Stack name (nested stacks as `<parent>/<logical ID>`). */
  readonly stack: string;
  readonly logicalId: string;
  /** CloudFormation type (the one after the change, or before for a removed resource). */
  readonly type: string;
  readonly change: ChangeKind;
  /** True when this change alone makes the deploy unsafe. */
  readonly unsafe: boolean;
  /**
   * What the resource is, when it is one the check protects: `EKS cluster`, `security group`, `database`, `cache`, `KMS key`, `secret`.
   *
   * @default - a resource the check does not protect
   */
  readonly category?: string;
  /** Why the change is what it is: the create-only paths that change, or the replaced resource it names. */
  readonly reasons: string[];
  /** Property paths that change (dot-separated). */
  readonly changedProperties: string[];
  /** Resource attributes that change: `DeletionPolicy`, `UpdateReplacePolicy`, `DependsOn`, `Condition`. */
  readonly changedAttributes: string[];
}

/** One reason the change is unsafe. */
export interface ChangeFinding {
  readonly kind: FindingKind;
  /** The resource, export or flow concerned, e.g. `SafeEksCluster/PaymentsCluster`. */
  readonly subject: string;
  /** What happens on deploy. */
  readonly message: string;
  /** How to make the change safe. */
  readonly fix: string;
}

/** Result of `ChangeSafety.compare`. */
export interface ChangeReport {
  /** Every resource of either side, in stack then logical-ID order. */
  readonly resources: ResourceChange[];
  /** Why the change is unsafe; empty when it is safe. */
  readonly findings: ChangeFinding[];
  /** Stacks only in `after`. */
  readonly stacksAdded: string[];
  /** Stacks only in `before`. */
  readonly stacksRemoved: string[];
  /** What could not be read or judged (an unknown resource type, a template the flow model could not follow). */
  readonly warnings: string[];
  /** True when `findings` is empty. */
  readonly safe: boolean;
}
