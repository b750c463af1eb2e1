import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Properties of a `PairStack`. */
export interface PairStackProps extends StackProps {
  /** The zones of the pair, literal. */
  readonly zones: string[];
}

/**
 * A stack of a blue-green pair. Its zones are the pair's literal ones: with a concrete env, the default
 * getter would look them up in the account, which synthesis never does.
 */
export class PairStack extends Stack {
  private readonly zones: string[];

  constructor(scope: Construct, id: string, props: PairStackProps) {
    super(scope, id, props);
    this.zones = props.zones;
  }

  public get availabilityZones(): string[] {
    return this.zones;
  }
}
