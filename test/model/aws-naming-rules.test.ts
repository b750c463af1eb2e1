import * as fc from 'fast-check';
import {
  cacheEngineVersionProblem, cacheNodeTypeProblem, cidrsOverlap, clusterNameProblem, instanceTypeProblem, ipv4CidrProblem,
  kubernetesVersionProblem, masterUsernameProblem, nodegroupNameProblem, postgresNameProblem, regionOfArn, replicationGroupIdProblem,
  certificateArnProblem, dnsNameProblem, healthCheckPathProblem, kubernetesNameProblem, recordNameProblem, roleArnProblem,
  ec2RuleDescription, reservedPostgresDatabaseNameProblem, reservedPostgresUsernameProblem, securityGroupIdProblem, serviceIpv4CidrProblem,
} from '../../lib/model/aws-naming-rules';

const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');
const chars = (set: string[], min: number, max: number) => fc.array(fc.constantFrom(...set), { minLength: min, maxLength: max }).map((a) => a.join(''));
const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));

describe('EKS names', () => {
  test('cluster names: 1 to 100 characters, letter or digit first, then letters, digits, - and _', () => {
    fc.assert(fc.property(fc.constantFrom(...alnum), chars([...alnum, '-', '_'], 0, 99), (first, rest) => {
      expect(clusterNameProblem(first + rest)).toBeUndefined();
    }));
    fc.assert(fc.property(fc.string({ maxLength: 120 }).filter((s) => !/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(s)), (name) => {
      expect(clusterNameProblem(name)?.code).toBe('ClusterName');
    }));
  });

  test('node group names: the same alphabet, at most 63 characters', () => {
    fc.assert(fc.property(fc.constantFrom(...alnum), chars([...alnum, '-', '_'], 0, 62), (first, rest) => {
      expect(nodegroupNameProblem(first + rest)).toBeUndefined();
      expect(nodegroupNameProblem(first + rest + 'x'.repeat(63 - rest.length))?.code).toBe('NodegroupName');
    }));
    expect(nodegroupNameProblem('-general')?.problem).toMatch(/start with a letter or digit/);
  });

  test('Kubernetes versions: 1.N with N from 10, no leading zero; never 1.5 or 2.0', () => {
    fc.assert(fc.property(fc.integer({ min: 10, max: 999 }), (minor) => {
      expect(kubernetesVersionProblem(`1.${minor}`)).toBeUndefined();
    }));
    fc.assert(fc.property(fc.integer({ min: 0, max: 9 }), (minor) => {
      expect(kubernetesVersionProblem(`1.${minor}`)?.problem).toMatch(/EKS started at 1\.10/);
      expect(kubernetesVersionProblem(`1.0${minor}`)?.code).toBe('KubernetesVersion');
    }));
    fc.assert(fc.property(fc.string({ maxLength: 8 }).filter((v) => !/^1\.\d{1,3}$/.test(v)), (v) => {
      expect(kubernetesVersionProblem(v)?.problem).toMatch(/of the form "1\.N"/);
    }));
  });

  test('service CIDRs: /12 to /24 inside the private ranges; overlap is symmetric and exact', () => {
    fc.assert(fc.property(fc.integer({ min: 12, max: 24 }), fc.integer({ min: 0, max: 255 }), (prefix, b) => {
      expect(serviceIpv4CidrProblem(`10.${b}.0.0/${prefix}`)).toBeUndefined();
    }));
    fc.assert(fc.property(ipv4, fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
      const cidr = `${ip}/${prefix}`;
      const first = Number(ip.split('.')[0]);
      if (prefix < 12 || prefix > 24 || (first !== 10 && first !== 172 && first !== 192)) expect(serviceIpv4CidrProblem(cidr)).toBeDefined();
      expect(cidrsOverlap(cidr, cidr)).toBe(true);
      expect(cidrsOverlap(cidr, '0.0.0.0/0')).toBe(true);
      expect(cidrsOverlap('10.0.0.0/16', cidr)).toBe(cidrsOverlap(cidr, '10.0.0.0/16'));
    }));
    expect(cidrsOverlap('10.0.0.0/16', '10.1.0.0/16')).toBe(false);
    expect(cidrsOverlap('10.0.0.0/16', 'not a cidr')).toBe(false);
  });

  test('endpoint CIDRs must parse as a.b.c.d/n', () => {
    fc.assert(fc.property(ipv4, fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
      expect(ipv4CidrProblem(`${ip}/${prefix}`, 'p')).toBeUndefined();
    }));
    fc.assert(fc.property(fc.string({ maxLength: 20 }).filter((s) => !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(s)), (s) => {
      expect(ipv4CidrProblem(s, 'endpointAccess')?.problem).toMatch(/`endpointAccess`/);
    }));
  });
});

describe('EC2 names and IDs', () => {
  test('instance types: <series>.<size>, lowercase', () => {
    for (const ok of ['m5.large', 'm6i.2xlarge', 'c7gn.metal', 'r8i-flex.large', 'u-6tb1.metal', 'u7i-6tb.metal', 't4g.nano', 'c7i.metal-24xl',
      'u7i-12tb.224xlarge', 'x2iedn.xlarge']) expect(instanceTypeProblem(ok, 'x')).toBeUndefined();
    // A typo in the size is refused, naming the size.
    for (const typo of ['m7g.larg', 'm6i.xlarg', 'c7i.2xl', 'm6i.0xlarge', 'c7i.metal-24']) {
      expect(instanceTypeProblem(typo, 'instanceTypes[0]')?.problem).toMatch(/^`instanceTypes\[0\]` has no EC2 instance size "/);
    }
    fc.assert(fc.property(fc.constantFrom('nano', 'micro', 'small', 'medium', 'large', 'xlarge', 'metal'), fc.integer({ min: 1, max: 448 }), fc.boolean(),
      (named, n, numbered) => {
        expect(instanceTypeProblem(`m7i.${numbered ? `${n}xlarge` : named}`, 'x')).toBeUndefined();
        expect(instanceTypeProblem(`m7i.metal-${n}xl`, 'x')).toBeUndefined();
      }));
    fc.assert(fc.property(fc.string({ maxLength: 20 }).filter((s) => !/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(s)), (s) => {
      expect(instanceTypeProblem(s, 'instanceTypes[0]')?.problem).toMatch(/`instanceTypes\[0\]` is not an EC2 instance type of the form/);
    }));
  });

  test('security group IDs: sg- and 8 or 17 lowercase hex digits', () => {
    const hex = '0123456789abcdef'.split('');
    fc.assert(fc.property(fc.oneof(chars(hex, 8, 8), chars(hex, 17, 17)), (digits) => {
      expect(securityGroupIdProblem(`sg-${digits}`, 'id')).toBeUndefined();
    }));
    fc.assert(fc.property(fc.string({ maxLength: 24 }).filter((s) => !/^sg-([0-9a-f]{8}|[0-9a-f]{17})$/.test(s)), (s) => {
      expect(securityGroupIdProblem(s, 'nodeSecurityGroupId')?.code).toBe('SecurityGroupId');
    }));
    expect(securityGroupIdProblem('', 'x')).toBeDefined();
  });

  test('the region of a literal ARN', () => {
    expect(regionOfArn('arn:aws:kms:us-east-1:111111111111:key/abc')).toBe('us-east-1');
    expect(regionOfArn('arn:aws:iam::111111111111:role/x')).toBeUndefined();
    fc.assert(fc.property(fc.string(), (s) => { expect(() => regionOfArn(s)).not.toThrow(); }));
  });
});

describe('RDS and ElastiCache names', () => {
  test('PostgreSQL names: 1 to 63 letters, digits or _, a letter first', () => {
    fc.assert(fc.property(fc.constantFrom(...alnum.filter((c) => /[A-Za-z]/.test(c))), chars([...alnum, '_'], 0, 62), (first, rest) => {
      expect(postgresNameProblem(first + rest, 'databaseName')).toBeUndefined();
    }));
    fc.assert(fc.property(fc.string({ maxLength: 70 }).filter((s) => !/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(s)), (s) => {
      expect(postgresNameProblem(s, 'databaseName')?.problem).toMatch(/`databaseName` must be 1 to 63/);
    }));
  });

  test('master user names: 1 to 16 letters, digits or _, a letter first (RDS, shorter than PostgreSQL allows)', () => {
    fc.assert(fc.property(fc.constantFrom(...alnum.filter((c) => /[A-Za-z]/.test(c))), chars([...alnum, '_'], 0, 15), (first, rest) => {
      expect(masterUsernameProblem(first + rest)).toBeUndefined();
    }));
    fc.assert(fc.property(fc.string({ maxLength: 70 }).filter((s) => !/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(s)), (s) => {
      expect(masterUsernameProblem(s)?.problem).toMatch(/`masterUsername` must be 1 to 16/);
    }));
    // The fix names what is wrong: the length, or the characters.
    expect(masterUsernameProblem('payments_service_admin')?.fix).toBe('shorten it to 16 characters or fewer, such as "payments_service"');
    expect(masterUsernameProblem('orders-admin')?.fix).toMatch(/^use only letters, digits and underscores/);
  });

  test('master user names RDS reserves: its own accounts, pg_ roles, PostgreSQL reserved words', () => {
    for (const name of ['admin', 'Admin', 'rdsadmin', 'RDSADMIN', 'rdsrepladmin', 'rds_anything', 'pg_monitor', 'user', 'SELECT', 'table']) {
      expect(reservedPostgresUsernameProblem(name)?.code).toBe('ReservedUsername');
    }
    for (const name of ['dbadmin', 'postgres', 'app_user', 'users', 'admin_1']) expect(reservedPostgresUsernameProblem(name)).toBeUndefined();
  });

  test('EC2 rule descriptions: any text becomes a legal one, deterministically; a legal one stays as it is', () => {
    const legal = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;
    expect(ec2RuleDescription('cdk-safe-eks: nodes of Orders DB <primary> to Data/Orders on tcp 5432'))
      .toBe('cdk-safe-eks: nodes of Orders DB _primary_ to Data/Orders on tcp 5432');
    fc.assert(fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => {
      const description = ec2RuleDescription(text);
      expect(description).toMatch(legal);
      expect(ec2RuleDescription(description)).toBe(description);
      if (legal.test(text)) expect(description).toBe(text);
    }));
  });

  test('database names RDS refuses: PostgreSQL reserved words and the databases it already has', () => {
    for (const name of ['select', 'SELECT', 'table', 'user', 'rdsadmin', 'template0', 'Template1']) {
      expect(reservedPostgresDatabaseNameProblem(name)?.code).toBe('ReservedDatabaseName');
    }
    for (const name of ['payments', 'postgres', 'app_db', 'users']) expect(reservedPostgresDatabaseNameProblem(name)).toBeUndefined();
  });

  test('Kubernetes Service and namespace names: RFC 1035 and RFC 1123 labels', () => {
    for (const name of ['web', 'web-v2', 'a'.repeat(63)]) expect(kubernetesNameProblem(name, 'serviceName', 'Service')).toBeUndefined();
    for (const name of ['', 'Web', 'my_svc', '2web', 'web-', 'a'.repeat(64)]) expect(kubernetesNameProblem(name, 'serviceName', 'Service')?.code).toBe('KubernetesName');
    expect(kubernetesNameProblem('2024-shop', 'namespace', 'namespace')).toBeUndefined();
    expect(kubernetesNameProblem('-shop', 'namespace', 'namespace')?.code).toBe('KubernetesName');
  });

  test('health-check paths start with a slash and fit 1024 characters', () => {
    expect(healthCheckPathProblem('/healthz')).toBeUndefined();
    expect(healthCheckPathProblem('healthz')?.fix).toBe('write it with the leading slash, "/healthz"');
    expect(healthCheckPathProblem(`/${'a'.repeat(1024)}`)?.fix).toBe('shorten the path');
  });

  test('DNS host names: labels only, no scheme, port or path', () => {
    for (const name of ['b.example.com', 'k8s-web-123.eu-west-1.elb.amazonaws.com', 'B.Example.com.']) expect(dnsNameProblem(name, 'blueDnsName')).toBeUndefined();
    for (const name of ['', 'https://b.example.com/', 'b.example.com:443', 'b..example.com', '-b.example.com', `${'a'.repeat(64)}.com`]) {
      expect(dnsNameProblem(name, 'blueDnsName')?.code).toBe('DnsName');
    }
  });

  test('certificate ARNs: ACM, and in the load balancer\'s region and account when those are known', () => {
    const arn = 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000';
    expect(certificateArnProblem(arn, 'eu-west-1', '111111111111')).toBeUndefined();
    expect(certificateArnProblem(arn, undefined, undefined)).toBeUndefined();
    expect(certificateArnProblem('', 'eu-west-1', undefined)?.code).toBe('CertificateArn');
    expect(certificateArnProblem(arn.replace(':acm:', ':iam:'), undefined, undefined)?.code).toBe('CertificateArn');
    expect(certificateArnProblem(arn, 'us-east-1', undefined)?.code).toBe('CertificateRegion');
    expect(certificateArnProblem(arn, undefined, '222222222222')?.code).toBe('CertificateAccount');
  });

  test('IAM role ARNs, paths and other partitions included', () => {
    for (const arn of ['arn:aws:iam::111111111111:role/admin', 'arn:aws:iam::111111111111:role/teams/platform-admin', 'arn:aws-cn:iam::111111111111:role/x']) {
      expect(roleArnProblem(arn, 'adminRoleArns[0]')).toBeUndefined();
    }
    for (const arn of ['', 'platform-admin', 'arn:aws:iam::111111111111:user/alice', 'arn:aws:iam::1111:role/x']) expect(roleArnProblem(arn, 'adminRoleArns[0]')?.code).toBe('RoleArn');
  });

  test('record names: not empty, and inside the zone when fully qualified', () => {
    for (const name of ['api', 'api.example.com', 'api.example.com.', 'example.com.', 'api.other.org']) expect(recordNameProblem(name, 'example.com')).toBeUndefined();
    expect(recordNameProblem(' ', 'example.com.')?.fix).toBe('give the name clients resolve, such as "api" (api.example.com)');
    expect(recordNameProblem('api.other.org.', 'example.com')?.problem).toBe('`recordName` is fully qualified but outside the zone example.com.');
    expect(recordNameProblem('api.notexample.com.', 'example.com')?.code).toBe('RecordName');
  });

  test('replication group IDs and node types', () => {
    fc.assert(fc.property(fc.string({ maxLength: 45 }), (id) => {
      const valid = /^[a-z][a-z0-9-]{0,39}$/.test(id) && !id.includes('--') && !id.endsWith('-');
      expect(replicationGroupIdProblem(id) === undefined).toBe(valid);
    }));
    expect(cacheNodeTypeProblem('cache.r7g.large')).toBeUndefined();
    expect(cacheNodeTypeProblem('r7g.large')?.code).toBe('NodeType');
  });

  test('cache engine versions: major.minor[.patch], new enough to require TLS', () => {
    fc.assert(fc.property(fc.integer({ min: 8, max: 99 }), fc.integer({ min: 0, max: 99 }), (major, minor) => {
      expect(cacheEngineVersionProblem('valkey', `${major}.${minor}`)).toBeUndefined();
      expect(cacheEngineVersionProblem('redis', `${major}.${minor}`)).toBeUndefined();
    }));
    expect(cacheEngineVersionProblem('valkey', '7.2')).toBeUndefined();
    expect(cacheEngineVersionProblem('valkey', '7.1')?.problem).toMatch(/older than valkey 7\.2/);
    expect(cacheEngineVersionProblem('redis', '6.2')?.problem).toMatch(/older than redis 7\.0/);
    fc.assert(fc.property(fc.string({ maxLength: 10 }).filter((v) => !/^\d{1,2}\.\d{1,2}(\.\d{1,3})?$/.test(v)), (v) => {
      expect(cacheEngineVersionProblem('valkey', v)?.problem).toMatch(/of the form "major\.minor"/);
    }));
  });
});
