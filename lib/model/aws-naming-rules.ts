/**
 * The naming, version and format rules of EKS, RDS for PostgreSQL, ElastiCache and EC2 that this
 * library checks before CloudFormation would, in one place, each with the AWS source it comes from.
 * Pure: every rule takes a literal value and returns the problem as data (or undefined when the value
 * is fine), so the constructors, the `from*` imports and the checks share one wording. Callers skip
 * unresolved tokens: those are checked by the service at deploy time.
 */
import { cidrContains, parseIpv4Cidr } from './cidr';
import { ErrorCode } from './error-codes';

/**
 * One broken naming or format rule of an input: a stable code, what is wrong (a sentence naming the prop)
 * and how to fix it. The input checks throw it as a `SafeEksError` (`refuse` in lib/private/guards.ts).
 */
export interface InputProblem {
  readonly code: ErrorCode;
  readonly problem: string;
  readonly fix: string;
}

/**
 * EKS CreateCluster `name`: 1 to 100 characters, `^[0-9A-Za-z][A-Za-z0-9\-_]*`.
 * Source: https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html
 */
export function clusterNameProblem(name: string, prop = 'clusterName'): InputProblem | undefined {
  if (/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(name)) return undefined;
  return {
    code: 'ClusterName',
    problem: `\`${prop}\` must be 1 to 100 characters, start with a letter or digit, and contain only letters, digits, hyphens and underscores.`,
    fix: 'choose a name such as "payments-blue"',
  };
}

/** The first Kubernetes minor version EKS offered (June 2018); EKS has never run an older one. */
export const FIRST_EKS_MINOR_VERSION = 10;

/**
 * Kubernetes version of an EKS control plane: "1.N", N a minor version EKS has offered (1.10 and later).
 * Source: https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
 */
export function kubernetesVersionProblem(version: string): InputProblem | undefined {
  const match = /^1\.(\d{1,3})$/.exec(version);
  if (!match) {
    return {
      code: 'KubernetesVersion',
      problem: '`version` must be a Kubernetes minor version of the form "1.N".',
      fix: 'use a constant such as eks.KubernetesVersion.V1_34 or eks.KubernetesVersion.of("1.34")',
    };
  }
  if (match[1].startsWith('0') || Number(match[1]) < FIRST_EKS_MINOR_VERSION) {
    return {
      code: 'KubernetesVersion',
      problem: `\`version\` must be a Kubernetes version EKS offers; EKS started at 1.${FIRST_EKS_MINOR_VERSION} and writes minor versions without leading zeros.`,
      fix: 'use a constant such as eks.KubernetesVersion.V1_34',
    };
  }
  return undefined;
}

const SERVICE_CIDR_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/**
 * EKS `kubernetesNetworkConfig.serviceIpv4Cidr`: a /12 to /24 block inside 10.0.0.0/8,
 * 172.16.0.0/12 or 192.168.0.0/16 (overlap with the VPC: `cidrsOverlap`).
 * Source: https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigRequest.html
 */
export function serviceIpv4CidrProblem(cidr: string): InputProblem | undefined {
  const parsed = parseIpv4Cidr(cidr);
  const inPrivateRange = parsed !== undefined
    && SERVICE_CIDR_RANGES.some((range) => cidrContains(parseIpv4Cidr(range)!, parsed));
  if (parsed && parsed.prefix >= 12 && parsed.prefix <= 24 && inPrivateRange) return undefined;
  return {
    code: 'ServiceIpv4Cidr',
    problem: '`serviceIpv4Cidr` must be a /12 to /24 IPv4 block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.',
    fix: 'use a block such as "172.20.0.0/16" that does not overlap your VPC',
  };
}

/** True when two literal IPv4 CIDR blocks share an address; false when either does not parse. */
export function cidrsOverlap(a: string, b: string): boolean {
  const pa = parseIpv4Cidr(a);
  const pb = parseIpv4Cidr(b);
  return pa !== undefined && pb !== undefined && (cidrContains(pa, pb) || cidrContains(pb, pa));
}

/**
 * An IPv4 CIDR block such as EKS `publicAccessCidrs` takes: `a.b.c.d/n`.
 * Source: https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html
 */
export function ipv4CidrProblem(cidr: string, prop: string): InputProblem | undefined {
  if (parseIpv4Cidr(cidr) !== undefined) return undefined;
  return {
    code: 'Ipv4Cidr',
    problem: `\`${prop}\` must hold IPv4 CIDR blocks of the form a.b.c.d/n.`,
    fix: 'write each block like "203.0.113.0/24"',
  };
}

/**
 * EKS `nodegroupName`: at most 63 characters, starting with a letter or digit, then letters,
 * digits, hyphens and underscores.
 * Source: https://docs.aws.amazon.com/eks/latest/userguide/create-managed-node-group.html (Name)
 */
export function nodegroupNameProblem(name: string): InputProblem | undefined {
  if (/^[0-9A-Za-z][A-Za-z0-9\-_]{0,62}$/.test(name)) return undefined;
  return {
    code: 'NodegroupName',
    problem: '`nodegroupName` must be 1 to 63 characters, start with a letter or digit, and contain only letters, digits, hyphens and underscores.',
    fix: 'choose a name such as "general-arm64", or leave `nodegroupName` unset for a generated one',
  };
}

/**
 * EC2 instance type names: `<series>.<size>`, lowercase (`m6i.large`, `u-6tb1.metal`). Checked
 * here because `ec2.InstanceType` throws "Malformed instance type identifier" without the value.
 * Source: https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html
 */
export function instanceTypeProblem(instanceType: string, prop: string): InputProblem | undefined {
  const parts = /^[a-z][a-z0-9-]*\.([a-z0-9-]+)$/.exec(instanceType);
  if (parts && INSTANCE_SIZE.test(parts[1])) return undefined;
  return {
    code: 'InstanceType',
    problem: parts
      ? `\`${prop}\` has no EC2 instance size "${parts[1]}": sizes are nano, micro, small, medium, large, xlarge, <n>xlarge, metal and metal-<n>xl.`
      : `\`${prop}\` is not an EC2 instance type of the form <series>.<size>, such as m6i.large.`,
    fix: 'use ec2.InstanceType.of(ec2.InstanceClass.M6I, ec2.InstanceSize.LARGE) or a name such as "m6i.large"',
  };
}

/** The size part of an instance type name (`large`, `24xlarge`, `metal-24xl`), as the same source lists them. */
const INSTANCE_SIZE = /^(nano|micro|small|medium|large|xlarge|[1-9][0-9]*xlarge|metal(-[1-9][0-9]*xl)?)$/;

/**
 * EC2 security group IDs: `sg-` and 8 or 17 lowercase hexadecimal digits.
 * Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroup.html (groupId)
 */
export function securityGroupIdProblem(id: string, prop: string): InputProblem | undefined {
  if (/^sg-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) return undefined;
  return {
    code: 'SecurityGroupId',
    problem: `\`${prop}\` must be a security group ID: "sg-" and 8 or 17 lowercase hexadecimal digits.`,
    fix: `pass the ID the exporting app outputs for the group, such as "sg-0123456789abcdef0"`,
  };
}

// PostgreSQL's reserved key words (PostgreSQL documentation, appendix C "SQL Key Words", column "PostgreSQL").
const POSTGRES_RESERVED_WORDS = new Set((
  'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create '
  + 'current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc '
  + 'distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral '
  + 'leading limit localtime localtimestamp not null offset on only or order placing primary references returning '
  + 'select session_user some symmetric system_user table then to trailing true union unique user using variadic '
  + 'when where window with').split(' '));

/**
 * RDS for PostgreSQL and Aurora PostgreSQL database and master user names: 1 to 63 letters, digits
 * or underscores, starting with a letter.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBName, MasterUsername)
 */
export function postgresNameProblem(name: string, prop: string): InputProblem | undefined {
  if (/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name)) return undefined;
  return {
    code: 'DatabaseName',
    problem: `\`${prop}\` must be 1 to 63 letters, digits or underscores, starting with a letter.`,
    fix: `choose a name such as "payments" for \`${prop}\``,
  };
}

/**
 * RDS and Aurora master user names: 1 to 16 letters, digits or underscores, starting with a letter
 * (shorter than PostgreSQL's own 63: the RDS API refuses a longer one when the cluster is created).
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html and
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (MasterUsername)
 */
export function masterUsernameProblem(name: string): InputProblem | undefined {
  if (/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(name)) return undefined;
  const tooLong = /^[A-Za-z][A-Za-z0-9_]*$/.test(name);
  return {
    code: 'MasterUsername',
    problem: '`masterUsername` must be 1 to 16 letters, digits or underscores, starting with a letter (the RDS limit for a master user).',
    fix: tooLong ? `shorten it to 16 characters or fewer, such as ${JSON.stringify(name.slice(0, 16))}`
      : 'use only letters, digits and underscores, starting with a letter, such as "dbadmin" (no hyphens, dots or spaces)',
  };
}

/**
 * Master user names RDS refuses for PostgreSQL: its own accounts (`rdsadmin`, `rdsrepladmin`,
 * `rds_*`), `admin` (reserved by the engine on RDS for PostgreSQL and Aurora PostgreSQL), PostgreSQL's `pg_*` role prefix, and PostgreSQL reserved key words ("can't be a
 * reserved word for the chosen database engine").
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (MasterUsername);
 * https://www.postgresql.org/docs/current/sql-keywords-appendix.html
 */
export function reservedPostgresUsernameProblem(name: string): InputProblem | undefined {
  // `admin`: "MasterUsername admin cannot be used as it is a reserved word used by the engine" (aws/aws-cdk#5076;
  // verified against real deploys of aurora-postgresql and postgresql in aws-cloudformation/cfn-lint#4425).
  return reservedPostgresNameProblem(name, /^(admin|rdsadmin|rdsrepladmin|rds_.*|pg_.*)$/i, {
    code: 'ReservedUsername', prop: 'masterUsername', system: 'is reserved by RDS or PostgreSQL', refusedAs: 'a master user name', fix: 'choose another name, such as "dbadmin"',
  });
}

/**
 * Database names RDS refuses for PostgreSQL: PostgreSQL reserved key words ("can't be a word reserved
 * by the specified database engine") and the databases every RDS PostgreSQL already has.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html (DatabaseName);
 * https://www.postgresql.org/docs/current/sql-keywords-appendix.html
 */
export function reservedPostgresDatabaseNameProblem(name: string): InputProblem | undefined {
  return reservedPostgresNameProblem(name, /^(rdsadmin|template0|template1)$/i, {
    code: 'ReservedDatabaseName', prop: 'databaseName', system: 'names a database RDS PostgreSQL already has', refusedAs: 'a database name', fix: 'choose another name, such as "app"',
  });
}

/** How a reserved name is reported: the code, the prop, why RDS's own names are refused, and the fix. */
interface ReservedNameWording {
  readonly code: ErrorCode;
  readonly prop: string;
  readonly system: string;
  readonly refusedAs: string;
  readonly fix: string;
}

/** A name RDS refuses for PostgreSQL: one of its own (`system`), or a PostgreSQL reserved key word. */
function reservedPostgresNameProblem(name: string, system: RegExp, wording: ReservedNameWording): InputProblem | undefined {
  if (system.test(name)) return { code: wording.code, problem: `\`${wording.prop}\` ${wording.system}.`, fix: wording.fix };
  if (POSTGRES_RESERVED_WORDS.has(name.toLowerCase())) {
    return { code: wording.code, problem: `\`${wording.prop}\` is a PostgreSQL reserved key word, which RDS refuses as ${wording.refusedAs}.`, fix: wording.fix };
  }
  return undefined;
}

/**
 * ElastiCache `ReplicationGroupId`: 1 to 40 lowercase letters, digits or hyphens, starting with a
 * letter, no two hyphens in a row, no hyphen at the end.
 * Source: https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html
 */
export function replicationGroupIdProblem(id: string): InputProblem | undefined {
  if (/^[a-z](?!.*--)[a-z0-9-]{0,39}$/.test(id) && !id.endsWith('-')) return undefined;
  return {
    code: 'ReplicationGroupId',
    problem: '`replicationGroupId` must be 1 to 40 lowercase letters, digits or hyphens, start with a letter, and have no two hyphens in a row or a hyphen at the end.',
    fix: 'choose a name such as "payments-cache"',
  };
}

/**
 * ElastiCache node types: `cache.<family>.<size>`.
 * Source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html
 */
export function cacheNodeTypeProblem(nodeType: string): InputProblem | undefined {
  if (/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(nodeType)) return undefined;
  return {
    code: 'NodeType',
    problem: '`nodeType` must be an ElastiCache node type of the form cache.<family>.<size>.',
    fix: 'use a node type such as "cache.r7g.large"',
  };
}

/** The oldest version of each engine that accepts `TransitEncryptionMode: required`, which the cache always sets. */
const MIN_CACHE_VERSIONS: { [engine: string]: [number, number] } = { valkey: [7, 2], redis: [7, 0] };

/**
 * ElastiCache engine versions: "major.minor" (or "major.minor.patch"), and new enough for
 * `TransitEncryptionMode: required` (Redis OSS 7.0, Valkey 7.2).
 * Source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption-enable-existing.html;
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html
 */
export function cacheEngineVersionProblem(engine: string, version: string): InputProblem | undefined {
  const match = /^(\d{1,2})\.(\d{1,2})(\.\d{1,3})?$/.exec(version);
  const [minMajor, minMinor] = MIN_CACHE_VERSIONS[engine] ?? [0, 0];
  if (!match) {
    return {
      code: 'CacheEngineVersion',
      problem: '`engineVersion` must be an ElastiCache engine version of the form "major.minor", such as "8.0".',
      fix: `use a version ElastiCache lists for ${engine}, such as "${minMajor}.${minMinor}" or later`,
    };
  }
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < minMajor || (major === minMajor && minor < minMinor)) {
    return {
      code: 'CacheEngineVersion',
      problem: `\`engineVersion\` is older than ${engine} ${minMajor}.${minMinor}, the first version that can require TLS on every connection.`,
      fix: `use ${engine} ${minMajor}.${minMinor} or later`,
    };
  }
  return undefined;
}

/**
 * The region of a literal ARN (`arn:partition:service:region:account:resource`), or undefined.
 * Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export function regionOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && parts[3] !== '' ? parts[3] : undefined;
}

/**
 * A Kubernetes Service name (an RFC 1035 label: 1 to 63 lowercase letters, digits or hyphens,
 * starting with a letter, ending with a letter or digit) or a namespace name (an RFC 1123 label,
 * which may also start with a digit).
 * Source: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */
export function kubernetesNameProblem(name: string, prop: string, kind: 'Service' | 'namespace'): InputProblem | undefined {
  const pattern = kind === 'Service' ? /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/ : /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
  if (pattern.test(name)) return undefined;
  return {
    code: 'KubernetesName',
    problem: `\`${prop}\` must be a Kubernetes ${kind} name: 1 to 63 lowercase letters, digits or hyphens, starting with a ${kind === 'Service' ? 'letter' : 'letter or digit'} and ending with a letter or digit.`,
    fix: `use the ${kind} name as kubectl shows it, such as "${kind === 'Service' ? 'web' : 'default'}"`,
  };
}

/**
 * An Application Load Balancer health-check path: starts with "/", at most 1024 characters.
 * Source: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html (HealthCheckPath)
 */
export function healthCheckPathProblem(path: string): InputProblem | undefined {
  if (path.startsWith('/') && path.length <= 1024) return undefined;
  return {
    code: 'HealthCheckPath',
    problem: '`healthCheckPath` must be a path starting with "/", at most 1024 characters.',
    fix: path.startsWith('/') ? 'shorten the path' : `write it with the leading slash, "/${path.replace(/^\/*/, '')}"`,
  };
}

/** A DNS name as Route 53 compares names: without its final dot, in lowercase. */
export function canonicalDnsName(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

/**
 * A DNS host name as a record's value: dot-separated labels of letters, digits and hyphens (an
 * optional final dot), at most 253 characters; no scheme, port or path.
 * Source: RFC 1123 section 2.1; https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html
 */
export function dnsNameProblem(name: string, prop: string): InputProblem | undefined {
  const labels = canonicalDnsName(name).split('.');
  const valid = name.length <= 253 && labels.every((l) => /^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/.test(l));
  if (valid) return undefined;
  return {
    code: 'DnsName',
    problem: `\`${prop}\` must be a DNS host name (no scheme, port or path).`,
    fix: 'give the load balancer\'s DNS name as its console shows it, such as "k8s-web-1234567890.eu-west-1.elb.amazonaws.com"',
  };
}

/**
 * An ACM certificate an Application Load Balancer of `region` and `account` can use: an ACM
 * certificate ARN, in that region and account (each checked when known).
 * Source: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html
 */
export function certificateArnProblem(arn: string, region: string | undefined, account: string | undefined): InputProblem | undefined {
  const match = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[A-Za-z0-9-]+$/.exec(arn);
  if (match === null) {
    return {
      code: 'CertificateArn',
      problem: '`certificateArn` must be the ARN of an ACM certificate.',
      fix: `give arn:aws:acm:${region ?? '<region>'}:${account ?? '<account>'}:certificate/<id> (ACM console, or \`aws acm list-certificates\`)`,
    };
  }
  const [, certificateRegion, certificateAccount] = match;
  if (region !== undefined && certificateRegion !== region) {
    return {
      code: 'CertificateRegion',
      problem: `an Application Load Balancer uses certificates of its own region only; this one is in ${certificateRegion}, the pair in ${region}.`,
      fix: `request or import the certificate in ACM in ${region} and give that ARN`,
    };
  }
  if (account !== undefined && certificateAccount !== account) {
    return {
      code: 'CertificateAccount',
      problem: `an Application Load Balancer uses certificates of its own account only; this one belongs to ${certificateAccount}, the pair to ${account}.`,
      fix: `import or request the certificate in account ${account} and give that ARN`,
    };
  }
  return undefined;
}

/**
 * An IAM role ARN: `arn:<partition>:iam::<account>:role/<path and name>`.
 * Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export function roleArnProblem(arn: string, prop: string): InputProblem | undefined {
  if (/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn)) return undefined;
  return {
    code: 'RoleArn',
    problem: `\`${prop}\` must be the ARN of an IAM role.`,
    fix: 'give the role\'s ARN, such as "arn:aws:iam::111111111111:role/platform-admin" (IAM console, or `aws iam get-role --role-name <name>`)',
  };
}

/**
 * A Route 53 record name: not empty, and, when fully qualified (a final dot), inside the zone.
 * route53.RecordSet appends the zone to a name without the final dot, so only those can leave it.
 * Source: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html
 */
export function recordNameProblem(name: string, zoneName: string): InputProblem | undefined {
  const zone = canonicalDnsName(zoneName);
  if (name.trim() === '') {
    return { code: 'RecordName', problem: '`recordName` must not be empty.', fix: `give the name clients resolve, such as "api" (api.${zone})` };
  }
  if (!name.endsWith('.')) return undefined;
  const fqdn = canonicalDnsName(name);
  if (fqdn === zone || fqdn.endsWith(`.${zone}`)) return undefined;
  return { code: 'RecordName', problem: `\`recordName\` is fully qualified but outside the zone ${zone}.`, fix: `use a name in the zone, such as "api.${zone}.", or the zone of that name` };
}

/** The longest description EC2 keeps on a security group rule. */
export const MAX_RULE_DESCRIPTION_LENGTH = 255;
const RULE_DESCRIPTION_CHARACTER = /[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/;

/**
 * `text` as an EC2 security group rule description: EC2 accepts only `a-zA-Z0-9`, spaces and
 * `._-:/()#,@[]+=&;{}!$*`, at most 255 characters, and refuses the deploy otherwise. Each other
 * character becomes `_`, deterministically, so a legal description stays exactly as it was (no rule
 * changes on upgrade) and the same construct path always gives the same text.
 * Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html (Description)
 */
export function ec2RuleDescription(text: string): string {
  return [...text].map((c) => (RULE_DESCRIPTION_CHARACTER.test(c) ? c : '_')).join('').slice(0, MAX_RULE_DESCRIPTION_LENGTH);
}
