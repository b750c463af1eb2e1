import { App, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { guardedCluster } from './guardrail-app';
import { GuardrailTrail } from '../../lib';
import { testApp, testStack } from '../helpers';

/**
 * The guardrails' own resources, every option on (a created trail, drift detection, an idle color), against
 * the rule sets the example app passes: cdk-nag's AwsSolutions, HIPAA, NIST 800-53 R5 and PCI DSS 3.2.1
 * packs and the AWS Control Tower proactive controls. Findings of the cluster itself are its own tests'.
 */
function guardedApp(): App {
  const app = testApp();
  guardedCluster({ trail: GuardrailTrail.create(), stackDriftDetection: true, servesTraffic: false }, testStack(app));
  return app;
}

const GUARDRAILS = /^Test\/Cluster\/Guardrails\//;

describe('guardrails compliance', () => {
  test.each([
    ['AwsSolutions', (app: App) => new AwsSolutionsChecks(app)],
    ['HIPAA', (app: App) => new HIPAASecurityChecks(app)],
    ['NIST 800-53 R5', (app: App) => new NIST80053R5Checks(app)],
    ['PCI DSS 3.2.1', (app: App) => new PCIDSS321Checks(app)],
  ])('%s: no finding on the guardrails\' resources without a reasoned acknowledgement', (_, pack) => {
    const app = guardedApp();
    const report = pack(app).validateScope(app);
    const findings = report.violations.flatMap((v) => v.violatingResources.filter((r) => GUARDRAILS.test(r.constructPath ?? '')).map((r) => `${v.ruleName} ${r.constructPath}`));
    expect(findings).toEqual([]);
  });

  test('AWS Control Tower proactive controls: no failure on the guardrails\' resources, acknowledgements honoured as in cdk synth', () => {
    const app = guardedApp();
    Validations.of(app).addPlugins(new CfnGuardValidator());
    // The plugin prints its failures (the test VPC's public subnets are not the guardrails' concern).
    const printed: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => { printed.push(args.map(String).join(' ')); });
    try {
      app.synth();
    } catch {
      // A failure is reported through what was printed.
    } finally {
      spy.mockRestore();
    }
    const failures = printed.join('\n').split(/\n(?=\s*ERROR)/).filter((block) => block.includes('Guardrails'));
    expect(failures).toEqual([]);
    expect(printed.join('\n')).toContain('CT.EC2.PR.11');
  }, 300_000);
});
