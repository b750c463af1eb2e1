import { App, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { BlueGreenClusterPair, BlueGreenClusterPairProps, PairColor, TrafficShift } from '../../lib';
import { checkColorArgument, checkDataStoreArgument, checkPairProps } from '../../lib/blue-green/pair-input-checks';
import { PAIR_SUBNETS } from '../../lib/blue-green/pair-subnets';
import { SafeEksError } from '../../lib/private/errors';
import { tempStateFile } from './pair-app';

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000';
const VALID: BlueGreenClusterPairProps = {
  env: { account: '111111111111', region: 'eu-west-1' },
  trafficShift: TrafficShift.albWeighted({ certificateArn: CERTIFICATE_ARN }),
  blue: { version: eks.KubernetesVersion.V1_34, weight: 100 },
  stateFile: tempStateFile(),
};

function thrown(run: () => unknown): SafeEksError | undefined {
  try {
    run();
    return undefined;
  } catch (e) {
    if (!(e instanceof SafeEksError)) throw e;
    return e;
  }
}

describe('blue-green input checks', () => {
  const scope = new Construct(new App(), 'Pair');
  const check = (props: object) => thrown(() => checkPairProps(scope, { ...VALID, ...props }));

  test('valid props pass', () => {
    expect(check({})).toBeUndefined();
    expect(check({ vpcCidr: '10.50.0.0/16', upgradeStrategy: 'IN_PLACE', green: { version: eks.KubernetesVersion.V1_33, nodegroups: {} } })).toBeUndefined();
  });

  test('each prop and each color option is type-checked, naming it', () => {
    expect(check({ upgradeStrategy: 'BLUE_GREEN' })?.message).toMatch(/`upgradeStrategy` must be an UpgradeStrategy \(one of "REPLACE", "IN_PLACE"\)/);
    expect(check({ blue: { version: eks.KubernetesVersion.V1_34, weight: '50' } })?.message).toMatch(/`blue\.weight` must be a number\. Got: string "50"/);
    expect(check({ green: { weight: 0 } })?.message).toMatch(/`green\.version` is required/);
    // An array of node groups would be read as no node group at all.
    expect(check({ blue: { version: eks.KubernetesVersion.V1_34, nodegroups: [{}] } })?.code).toBe('PropType');
    expect(check({ env: { region: 42 } })?.message).toMatch(/`env\.region` must be a string/);
    expect(check({ adminRoleArns: 'arn:aws:iam::111111111111:role/Admin' })?.code).toBe('PropType');
    expect(check({ trafficShift: {} })?.message).toMatch(/`trafficShift` must be a TrafficShift/);
  });

  test('the VPC CIDR must be a literal IPv4 block: ec2.Vpc divides it at synth', () => {
    expect(check({ vpcCidr: '10.40.0.0' })?.code).toBe('Ipv4Cidr');
    expect(check({ vpcCidr: Token.asString({ resolve: () => '10.40.0.0/16' }) })?.code).toBe('VpcCidrToken');
  });

  test('the VPC CIDR must hold the pair\'s subnets: exactly where ec2.Vpc stops fitting them', () => {
    expect(check({ vpcCidr: '10.0.0.0/28' })?.message)
      .toBe('Pair: `vpcCidr` is too small for the pair\'s subnets: a public /24, a private /20 (pod IPs) and an isolated /24 in each of 3 zones need a /17 or larger. '
        + 'Got: "10.0.0.0/28". Fix: give a /17 or shorter prefix, such as "10.40.0.0/16"');
    // The check agrees with ec2.Vpc itself, for every zone count and prefix around the limit.
    for (const zones of [1, 2, 3, 4, 6]) {
      for (let prefix = 16; prefix <= 21; prefix++) {
        const availabilityZones = ['a', 'b', 'c', 'd', 'e', 'f'].slice(0, zones).map((z) => `eu-west-1${z}`);
        const vpcCidr = `10.0.0.0/${prefix}`;
        const ours = check({ vpcCidr, availabilityZones }) === undefined;
        const stack = new Stack(new App(), 'S', { env: VALID.env });
        let fits = true;
        try {
          new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr(vpcCidr), availabilityZones, natGateways: 1, subnetConfiguration: [...PAIR_SUBNETS] });
        } catch {
          fits = false;
        }
        expect({ zones, prefix, ours }).toEqual({ zones, prefix, ours: fits });
      }
    }
  });

  test('methods check their argument', () => {
    expect(thrown(() => checkDataStoreArgument(scope, { node: {} }))?.message).toMatch(/`addDataStore: store` must be an IDependentDataStore/);
    expect(thrown(() => checkColorArgument(scope, 'blue'))?.message).toMatch(/one of "Blue", "Green"/);
    expect(thrown(() => checkColorArgument(scope, PairColor.GREEN))).toBeUndefined();
  });

  test('the TrafficShift factories check their options', () => {
    expect(thrown(() => TrafficShift.albWeighted({} as never))?.message).toMatch(/^TrafficShift\.albWeighted: `certificateArn` is required/);
    expect(thrown(() => TrafficShift.albWeighted({ certificateArn: CERTIFICATE_ARN, targetPort: '8080' } as never))?.code).toBe('PropType');
    expect(thrown(() => TrafficShift.route53Weighted({ recordName: 'app' } as never))?.message).toMatch(/`zone` is required/);
  });

  test('the factories refuse literal values the load balancer, Kubernetes or Route 53 would refuse at deploy', () => {
    const alb = (options: object) => thrown(() => TrafficShift.albWeighted({ certificateArn: CERTIFICATE_ARN, ...options }));
    expect(alb({ healthCheckPath: 'healthz' })?.message).toBe('TrafficShift.albWeighted: `healthCheckPath` must be a path starting with "/", at most 1024 characters. '
      + 'Got: "healthz". Fix: write it with the leading slash, "/healthz"');
    expect(alb({ serviceName: 'My_Svc' })?.code).toBe('KubernetesName');
    expect(alb({ namespace: '' })?.code).toBe('KubernetesName');
    expect(alb({ serviceName: 'web-v2', namespace: '2024-shop', healthCheckPath: '/ready' })).toBeUndefined();
    const zone = { hostedZoneId: 'Z0000000000000', zoneName: 'example.com' } as never;
    const r53 = (options: object) => thrown(() => TrafficShift.route53Weighted({ zone, recordName: 'api', ...options }));
    expect(r53({ recordName: '' })?.message).toMatch(/`recordName` must not be empty\. Got: ""\. Fix: give the name clients resolve, such as "api" \(api\.example\.com\)/);
    expect(r53({ recordName: 'api.other.org.' })?.message).toMatch(/`recordName` is fully qualified but outside the zone example\.com/);
    expect(r53({ blueDnsName: 'https://b.example.com/' })?.code).toBe('DnsName');
    expect(r53({ blueDnsName: 'lb.example.com', greenDnsName: 'LB.example.com.' })?.message).toMatch(/both colors point to the same DNS name/);
    expect(r53({ recordName: 'api.example.com.', blueDnsName: 'b.elb.amazonaws.com', greenDnsName: 'g.elb.amazonaws.com' })).toBeUndefined();
  });

  test('the traffic shift must come from a factory, and its certificate from the pair\'s account and region', () => {
    const pair = (props: Partial<BlueGreenClusterPairProps>) => thrown(() => new BlueGreenClusterPair(new App(), 'Pair', { ...VALID, ...props }));
    // Same shape, but no listener or records would stand behind it.
    const literal = pair({ trafficShift: { bind: () => ({}), name: 'alb' } as unknown as TrafficShift });
    expect(literal?.message).toBe('Pair: `trafficShift` must be made by a TrafficShift factory. Got: {"name":"alb"}. '
      + 'Fix: set trafficShift: TrafficShift.albWeighted({ certificateArn }) or TrafficShift.route53Weighted({ zone, recordName })');
    const withCertificate = (certificateArn: string) => pair({ trafficShift: TrafficShift.albWeighted({ certificateArn }) });
    expect(withCertificate('')?.code).toBe('CertificateArn');
    expect(withCertificate('my-cert')?.message).toMatch(/`certificateArn` must be the ARN of an ACM certificate\. Got: "my-cert"\. Fix: give arn:aws:acm:eu-west-1:111111111111:certificate\/<id>/);
    expect(withCertificate(CERTIFICATE_ARN.replace('eu-west-1', 'us-east-1'))?.message)
      .toMatch(/uses certificates of its own region only; this one is in us-east-1, the pair in eu-west-1\..*Fix: request or import the certificate in ACM in eu-west-1/);
    expect(withCertificate(CERTIFICATE_ARN.replace('111111111111', '222222222222'))?.code).toBe('CertificateAccount');
    expect(withCertificate(CERTIFICATE_ARN.replace('arn:aws:', 'arn:aws-cn:').replace('eu-west-1', 'cn-north-1'))?.code).toBe('CertificateRegion');
    // A certificate made in a stack of one's own is a token: checked by CloudFormation, not here.
    expect(withCertificate(Token.asString({ resolve: () => 'x' }))).toBeUndefined();
    expect(withCertificate(CERTIFICATE_ARN)).toBeUndefined();
  });

  test('zones outside the pair\'s region, and a live update of a retired color, are refused', () => {
    expect(thrown(() => new BlueGreenClusterPair(new App(), 'Pair', { ...VALID, availabilityZones: ['eu-west-1a', 'us-east-1b'] }))?.message)
      .toBe('Pair: every availability zone must be in the pair\'s region, eu-west-1. Got: "us-east-1b". Fix: name zones of eu-west-1, such as "eu-west-1a", or set env.region to the zones\' region');
    const pair = new BlueGreenClusterPair(new App(), 'Pair', VALID);
    expect(thrown(() => pair.acknowledgeLiveUpdate(PairColor.GREEN, 'resize'))?.message)
      .toMatch(/^Pair: color Green is retired, so it has no cluster to update\./);
    expect(thrown(() => pair.acknowledgeLiveUpdate(PairColor.BLUE, 'resize'))).toBeUndefined();
  });

  test('a bad target port is described as the pods\' port, not a store\'s', () => {
    const refused = thrown(() => new BlueGreenClusterPair(new App(), 'Pair', { ...VALID, trafficShift: TrafficShift.albWeighted({ certificateArn: CERTIFICATE_ARN, targetPort: 0 }) }));
    expect(refused?.message).toBe('Pair: `targetPort` must be a whole number from 1 to 65535. Got: 0. Fix: set `targetPort` to the port the pods behind the Service listen on, for example 8080 or 8443');
  });

  test('admin role ARNs must be IAM role ARNs (aws-cdk-lib would refuse them with no path or fix)', () => {
    const pair = (adminRoleArns: string[]) => thrown(() => new BlueGreenClusterPair(new App(), 'Pair', { ...VALID, adminRoleArns }));
    expect(pair(['arn:aws:iam::111111111111:role/ok', 'platform-admin'])?.message)
      .toMatch(/^Pair: `adminRoleArns\[1\]` must be the ARN of an IAM role\. Got: "platform-admin"\. Fix: give the role's ARN/);
    expect(pair([''])?.code).toBe('RoleArn');
    expect(pair(['arn:aws:iam::111111111111:user/alice'])?.code).toBe('RoleArn');
    expect(pair(['arn:aws:iam::111111111111:role/teams/platform-admin', 'arn:aws-us-gov:iam::111111111111:role/x'])).toBeUndefined();
  });

  test('weights are checked before anything is built, for Route 53 records as for the ALB', () => {
    const zone = { hostedZoneId: 'Z0000000000000', zoneName: 'example.com' } as never;
    const trafficShift = TrafficShift.route53Weighted({ zone, recordName: 'api', blueDnsName: 'b.example.com', greenDnsName: 'g.example.com' });
    const refused = thrown(() => new BlueGreenClusterPair(new App(), 'Pair', {
      ...VALID, trafficShift, blue: { version: eks.KubernetesVersion.V1_34, weight: 101 }, green: { version: eks.KubernetesVersion.V1_34, weight: -1 },
    }));
    expect(refused?.message).toBe('Pair: `blue.weight` must be a whole number from 0 to 100. Got: 101. Fix: set `blue.weight` to a whole number between 0 and 100');
  });

  test('the pair refuses a bad scope, id or prop before it creates a stack', () => {
    const app = new App();
    expect(thrown(() => new BlueGreenClusterPair(undefined as never, 'Pair', VALID))?.code).toBe('ScopeType');
    expect(thrown(() => new BlueGreenClusterPair(app, 'Pair', { ...VALID, blue: { version: '1.34' as never } }))?.message)
      .toMatch(/^Pair: `blue\.version` must be an eks\.KubernetesVersion/);
    expect(app.node.children.map((c) => c.node.id)).toEqual(['Pair']);
  });
});
