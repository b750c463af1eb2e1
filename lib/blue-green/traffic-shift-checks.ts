import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { canonicalDnsName, certificateArnProblem, dnsNameProblem, healthCheckPathProblem, kubernetesNameProblem, recordNameProblem } from '../model/aws-naming-rules';
import { requireLiteralPort } from '../data/store-access';
import { SafeEksError, show } from '../private/errors';
import { checkProps, isLiteral, refuse } from '../private/guards';

/**
 * Checks of the traffic shifts' options: their types and literals when a factory is called, and what
 * only the pair knows (its account, region and VPC) when the pair binds the shift.
 */

/** Carried by every `TrafficShift`, set by its constructor (a global symbol, so that two copies of the library agree). */
export const TRAFFIC_SHIFT_BRAND = Symbol.for('cdk-safe-eks.TrafficShift');

/** `TrafficShift.albWeighted` options. */
export function checkAlbWeightedOptions(options: unknown): void {
  checkProps('TrafficShift.albWeighted', 'options', options, {
    certificateArn: { type: 'string', required: true },
    targetPort: { type: 'number' },
    healthCheckPath: { type: 'string' },
    internetFacing: { type: 'boolean' },
    allowedClients: { type: 'array', name: 'array of ec2.IPeer', items: { type: 'object', name: 'ec2.IPeer', members: ['toIngressRuleConfig'] } },
    serviceName: { type: 'string' },
    servicePort: { type: 'number' },
    namespace: { type: 'string' },
  });
  const o = options as AlbWeightedLiterals;
  const scope = 'TrafficShift.albWeighted';
  if (isLiteral(o.healthCheckPath)) refuse(scope, o.healthCheckPath, healthCheckPathProblem(o.healthCheckPath));
  if (isLiteral(o.serviceName)) refuse(scope, o.serviceName, kubernetesNameProblem(o.serviceName, 'serviceName', 'Service'));
  if (isLiteral(o.namespace)) refuse(scope, o.namespace, kubernetesNameProblem(o.namespace, 'namespace', 'namespace'));
}

/** `TrafficShift.route53Weighted` options. */
export function checkRoute53WeightedOptions(options: unknown): void {
  checkProps('TrafficShift.route53Weighted', 'options', options, {
    zone: { type: 'object', name: 'route53.IHostedZone', required: true, members: ['hostedZoneId', 'zoneName'] },
    recordName: { type: 'string', required: true },
    blueDnsName: { type: 'string' },
    greenDnsName: { type: 'string' },
    ttl: { type: 'object', name: 'Duration', members: ['toSeconds'] },
  });
  const o = options as Route53WeightedLiterals;
  const scope = 'TrafficShift.route53Weighted';
  if (isLiteral(o.recordName) && isLiteral(o.zone.zoneName)) refuse(scope, o.recordName, recordNameProblem(o.recordName, o.zone.zoneName));
  for (const prop of ['blueDnsName', 'greenDnsName'] as const) {
    const name = o[prop];
    if (isLiteral(name)) refuse(scope, name, dnsNameProblem(name, prop));
  }
  if (isLiteral(o.blueDnsName) && isLiteral(o.greenDnsName) && canonicalDnsName(o.blueDnsName) === canonicalDnsName(o.greenDnsName)) {
    throw new SafeEksError(scope, 'SameDnsName', 'both colors point to the same DNS name, so a shift between them would move no traffic.', show(o.blueDnsName),
      'give each color the DNS name of its own cluster\'s ingress');
  }
}

/**
 * `TrafficShift.albWeighted` bound to a pair: its certificate in the pair's own account and region (the
 * load balancer can use no other), public subnets for an internet-facing load balancer, a literal target port.
 */
export function checkAlbWeightedBinding(pair: IConstruct, options: AlbBindingLiterals, stack: Stack, vpc: ec2.IVpc): void {
  const arn = options.certificateArn;
  const known = (v: string) => (Token.isUnresolved(v) ? undefined : v);
  if (!Token.isUnresolved(arn)) refuse(pair, arn, certificateArnProblem(arn, known(stack.region), known(stack.account)));
  if (options.internetFacing === true && vpc.publicSubnets.length === 0) {
    throw new SafeEksError(pair, 'VpcPublicSubnets', 'an internet-facing load balancer needs public subnets, and `vpc` has none.', '0 public subnets',
      'give the VPC\'s public subnets (publicSubnetIds in fromVpcAttributes), or leave internetFacing off');
  }
  if (options.targetPort !== undefined) requireLiteralPort(pair, 'targetPort', options.targetPort, 'the pods behind the Service listen on', [8080, 8443]);
}

/** The fields of `AlbWeightedOptions` checked against the pair. */
interface AlbBindingLiterals {
  readonly certificateArn: string;
  readonly internetFacing?: boolean;
  readonly targetPort?: number;
}

/** The literal-checked fields of `AlbWeightedOptions`, once their types are known. */
interface AlbWeightedLiterals {
  readonly healthCheckPath?: string;
  readonly serviceName?: string;
  readonly namespace?: string;
}

/** The literal-checked fields of `Route53WeightedOptions`, once their types are known. */
interface Route53WeightedLiterals {
  readonly zone: { readonly zoneName: string };
  readonly recordName: string;
  readonly blueDnsName?: string;
  readonly greenDnsName?: string;
}
