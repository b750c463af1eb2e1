import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { buildApp } from '../../bin/app';
import { testApp } from '../helpers';

/**
 * The example app against the strictest rule sets: cdk-nag's HIPAA, NIST 800-53 R5 and PCI DSS 3.2.1
 * packs, and the AWS Control Tower proactive controls (CloudFormation Guard rules, run by
 * cdk-validator-cfnguard's bundled cfn-guard binary). Every acknowledgement carries its reason in the code.
 */
describe('example app compliance', () => {
  test.each([
    ['HIPAA', (app: ReturnType<typeof testApp>) => new HIPAASecurityChecks(app)],
    ['NIST 800-53 R5', (app: ReturnType<typeof testApp>) => new NIST80053R5Checks(app)],
    ['PCI DSS 3.2.1', (app: ReturnType<typeof testApp>) => new PCIDSS321Checks(app)],
  ])('%s: no finding without a reasoned acknowledgement', (_, pack) => {
    const app = buildApp(testApp());
    const report = pack(app).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
  });

  test('AWS Control Tower proactive controls: 0 failures', () => {
    const app = buildApp(testApp());
    Validations.of(app).addPlugins(new CfnGuardValidator());
    expect(() => app.synth()).not.toThrow();
  }, 300_000);

  test('every KMS key the app creates limits kms:CreateGrant to AWS resources', () => {
    const app = buildApp(testApp());
    const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);
    let keys = 0;
    for (const stack of stacks) {
      const template = Template.fromStack(stack);
      for (const key of Object.values(template.findResources('AWS::KMS::Key'))) {
        keys += 1;
        expect(key.Properties.KeyPolicy.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
          Effect: 'Deny', Action: 'kms:CreateGrant',
          Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
        })]));
      }
    }
    // One secrets key per color, the database, the cache, the VPC flow logs and the pair's guardrail alerts.
    expect(keys).toBe(6);
  });
});
