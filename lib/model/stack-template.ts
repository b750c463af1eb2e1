/** One CloudFormation template handed to `FlowModel.fromTemplates`. */
export interface StackTemplate {
  /** Name of the stack; exports and imports are matched across all templates given together. */
  readonly stackName: string;
  /** The template as parsed JSON. */
  readonly template: { [key: string]: unknown };
  /**
   * File the template was read from, reported back in findings.
   *
   * @default - none
   */
  readonly templatePath?: string;
  /**
   * For a nested stack: the `stackName` of the parent.
   *
   * @default - a top-level stack
   */
  readonly parentStackName?: string;
  /**
   * For a nested stack: logical ID of the `AWS::CloudFormation::Stack` resource in the parent.
   *
   * @default - a top-level stack
   */
  readonly parentLogicalId?: string;
}
