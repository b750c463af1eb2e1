import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import { ClusterGuardrails, GuardrailTrail, SafeCluster } from '../../../../lib';
import { EksClusterGuardrails } from '../../../../lib/checks/nag/rules';
import { testApp, testStack, testVpc } from '../../../helpers';
import { VERSION, l1Cluster, plainV2Cluster, reports } from '../utils';

const rule = EksClusterGuardrails;
const TRAIL = GuardrailTrail.organizationTrail('The organization trail logs management events in every region.');

describe('EksClusterGuardrails: EventBridge rules watch the cluster and its security groups', () => {
  test('Noncompliance 1: a SafeCluster, an aws-eks-v2 cluster and an L1 cluster without guardrails; both findings each', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    new SafeCluster(stack, 'Safe', { version: VERSION, vpc, defaultCapacity: 0 });
    plainV2Cluster(stack, vpc);
    l1Cluster(stack, 'L1', { name: 'l1-cluster' });
    expect(reports(stack, rule)).toEqual([
      'Test/Cluster/Resource [ClusterChanges]', 'Test/Cluster/Resource [SecurityGroupChanges]',
      'Test/L1 [ClusterChanges]', 'Test/L1 [SecurityGroupChanges]',
      'Test/Safe/Cluster/Resource [ClusterChanges]', 'Test/Safe/Cluster/Resource [SecurityGroupChanges]',
    ]);
  });

  test('Noncompliance 2: rules that name another cluster, miss the control-plane group, or are disabled', () => {
    const stack = testStack();
    const cluster = new SafeCluster(stack, 'Safe', { version: VERSION, vpc: testVpc(stack), defaultCapacity: 0, clusterName: 'watched' });
    new events.Rule(stack, 'OtherCluster', { eventPattern: { source: ['aws.eks'], detail: { requestParameters: { name: ['other'] } } } });
    new events.Rule(stack, 'OnlyEksGroup', { eventPattern: { source: ['aws.ec2'], detail: { requestParameters: { groupId: [cluster.cluster.clusterSecurityGroupId] } } } });
    new events.Rule(stack, 'Disabled', { enabled: false, eventPattern: { source: ['aws.eks'], detail: { requestParameters: { name: ['watched'] } } } });
    expect(reports(stack, rule)).toEqual(['Test/Safe/Cluster/Resource [ClusterChanges]', 'Test/Safe/Cluster/Resource [SecurityGroupChanges]']);
  });

  test('Compliance: SafeCluster.addGuardrails; hand-written rules; guardrails in another stack (through exports); an acknowledgement', () => {
    const app = testApp();
    const stack = testStack(app);
    const vpc = testVpc(stack);
    new SafeCluster(stack, 'Safe', { version: VERSION, vpc, defaultCapacity: 0 }).addGuardrails({ trail: TRAIL });

    const plain = plainV2Cluster(stack, vpc);
    const groups = [plain.clusterSecurityGroupId, ...plain.connections.securityGroups.map((g) => g.securityGroupId)];
    new events.Rule(stack, 'HandWrittenEc2', { eventPattern: { source: ['aws.ec2'], detail: { requestParameters: { groupId: groups } } } });
    new events.Rule(stack, 'HandWrittenEks', { eventPattern: { source: ['aws.eks'], detail: { requestParameters: { name: [plain.clusterName] } } } });

    const other = testStack(app, 'Watchers');
    const remote = new SafeCluster(stack, 'Remote', { version: VERSION, vpc, defaultCapacity: 0 });
    new ClusterGuardrails(other, 'Guardrails', { cluster: remote, trail: TRAIL });

    const acknowledged = l1Cluster(stack, 'L1', { name: 'l1-cluster' });
    Validations.of(acknowledged).acknowledge({ id: 'Test-EksClusterGuardrails[ClusterChanges]', reason: 'Watched by the security account.' });
    Validations.of(acknowledged).acknowledge({ id: 'Test-EksClusterGuardrails[SecurityGroupChanges]', reason: 'Watched by the security account.' });
    // Synthesis turns the other stack's references into imports of exports, as the pack sees them in `cdk synth`.
    app.synth();
    expect(reports(app, rule)).toEqual([]);
  });

  test('a rule for a security group the cluster does not use does not count', () => {
    const stack = new Stack(testApp(), 'Plain', { env: { account: '111111111111', region: 'eu-west-1' } });
    const vpc = testVpc(stack);
    const plain = plainV2Cluster(stack, vpc);
    const unrelated = new ec2.SecurityGroup(stack, 'Unrelated', { vpc });
    new events.Rule(stack, 'Ec2', { eventPattern: { source: ['aws.ec2'], detail: { requestParameters: { groupId: [unrelated.securityGroupId] } } } });
    new events.Rule(stack, 'Eks', { eventPattern: { source: ['aws.eks'], detail: { requestParameters: { name: [plain.clusterName] } } } });
    expect(reports(stack, rule)).toEqual(['Plain/Cluster/Resource [SecurityGroupChanges]']);
  });
});
