#!/usr/bin/env node
/**
 * Example app: the pair of bin/app.ts in two accounts and regions, one Stage each (EuWest1, UsEast1),
 * deployed in two waves by a CDK Pipelines `CodePipeline`. Both Stages record into the one state file
 * beside cdk.json, each under its own path (EuWest1/Payments, UsEast1/Payments). Synthesizes offline:
 * the environments and the connection ARN are literal, nothing is looked up.
 *
 *   npx cdk synth --app "npx ts-node --swc --prefer-ts-exts bin/pipeline-app.ts"
 */
import { App, Stack, Stage, StageProps, Validations } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { ExampleOptions, addPaymentsPair } from './app';
import { ConnectivityChecks, EksUpgradeSafetyChecks } from '../lib';

/** The account the pipeline runs in; each Stage deploys to its own account through CDK bootstrap's trust (`--trust`). */
export const TOOLS_ENV = { account: '000000000000', region: 'eu-west-1' };
/** The Stages of the pipeline, in the order of its waves. */
export const PAIR_STAGES = [
  { id: 'EuWest1', env: { account: '111111111111', region: 'eu-west-1' } },
  { id: 'UsEast1', env: { account: '222222222222', region: 'us-east-1' } },
] as const;
/** A CodeStar connection to the repository; literal, so synthesis looks nothing up. */
const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:000000000000:connection/00000000-0000-0000-0000-000000000000';

/** One environment's pair, with the upgrade-safety checks of its stacks. */
export class PaymentsStage extends Stage {
  constructor(scope: Construct, id: string, props: StageProps & { readonly env: { account: string; region: string }; readonly pair?: ExampleOptions }) {
    super(scope, id, props);
    addPaymentsPair(this, props.env, props.pair);
    Validations.of(this).addPlugins(new EksUpgradeSafetyChecks(this), new ConnectivityChecks());
  }
}

/** The pipeline stack and one Stage per environment (in the App, so the pairs' paths are `EuWest1/Payments`), in waves. */
export function buildPipelineApp(app: App, options: { readonly pair?: ExampleOptions } = {}): App {
  const tools = new Stack(app, 'PaymentsPipeline', { env: TOOLS_ENV });
  const pipeline = new pipelines.CodePipeline(tools, 'Pipeline', {
    crossAccountKeys: true,
    pipelineType: codepipeline.PipelineType.V2,
    synth: new pipelines.ShellStep('Synth', {
      input: pipelines.CodePipelineSource.connection('example-org/payments', 'main', { connectionArn: CONNECTION_ARN }),
      // The state file is in the checkout: every synthesis of the pipeline is guarded by what was last recorded.
      commands: ['npm ci', 'npx cdk synth --app "npx ts-node --swc --prefer-ts-exts bin/pipeline-app.ts"'],
    }),
  });
  // One wave per environment: the second only after the first deployed all four stacks of its pair.
  for (const { id, env } of PAIR_STAGES) {
    pipeline.addWave(id).addStage(new PaymentsStage(app, id, { env, pair: options.pair }));
  }
  return app;
}

if (require.main === module) {
  buildPipelineApp(new App()).synth();
}
