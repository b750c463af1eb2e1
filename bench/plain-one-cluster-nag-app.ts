/**
 * The plain one-cluster app of the synthesis bench with cdk-nag's AwsSolutions pack registered, the
 * general hygiene check the example pair runs too: it shows how much of the pair's extra time is
 * that pack (its rules load every aws-cdk-lib service module they test against) and not the pair.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPlainOneClusterApp } from './plain-one-cluster-app';

export function buildPlainOneClusterNagApp(app: App): App {
  buildPlainOneClusterApp(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // The pack's verdict on the baseline is not what is measured: the app stays aws-eks-v2's README app, and
  // its findings are acknowledged so that it synthesizes clean, as the pair does.
  const reason = 'Bench baseline: the plain aws-eks-v2 app as its README builds it; only the pack\'s cost is measured.';
  Validations.of(app).acknowledge(
    { id: 'AwsSolutions::AwsSolutions-VPC7', reason },
    ...['AmazonEKSClusterPolicy', 'AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly']
      .map((policy) => ({ id: `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`, reason })),
  );
  return app;
}

if (require.main === module) {
  buildPlainOneClusterNagApp(new App()).synth();
}
