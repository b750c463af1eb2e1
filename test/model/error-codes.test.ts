import * as fs from 'fs';
import * as path from 'path';
import { ERROR_CODES } from '../../lib/model/error-codes';

/**
 * The catalogue of error codes against docs/errors.md (both ways), and the lock that keeps the codes
 * of a release: a code may be added, never renamed or removed.
 */
const DOC = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');

/** The rows of the table under "## Codes": `| \`Code\` | meaning |`. */
function documentedCodes(): Array<[string, string]> {
  const section = DOC.split(/^## Codes$/m)[1] ?? '';
  const body = section.split(/^## /m)[0];
  return body.split('\n').filter((line) => line.startsWith('|') && !/^\| (Code|---)/.test(line)).map((line) => {
    const cells = line.split(' | ');
    const match = /^\| `([A-Za-z0-9]+)`$/.exec(cells[0]);
    return [match ? match[1] : `unparsed row: ${line}`, cells.slice(1).join(' | ').replace(/ \|$/, '')];
  });
}

/** Every code of the first release with codes; each stays, spelt so (new codes are added to the catalogue only). */
const STABLE_CODES = [
  'AcknowledgementWithoutReason', 'ApiAccessFromAnywhere', 'ApiAccessPeer', 'ArgumentType', 'AssemblyDirectory', 'AssemblyManifest',
  'AvailabilityZone', 'CacheEngineVersion', 'CertificateAccount', 'CertificateArn', 'CertificateRegion', 'ClientWithoutSecurityGroup', 'ClusterName',
  'ConstructId', 'DatabaseName', 'DatabaseUser', 'DataStoreAddedTwice', 'DataStoreOutsideShared', 'DefaultCapacityToken', 'DifferentEnvironment',
  'DifferentVpc', 'DnsHostnamesWithoutSupport', 'DnsName', 'DuplicateAdminRole', 'EksClusterSecurityGroup', 'FlowLogRetention', 'FlowOptions',
  'FlowRoleWithoutGroup', 'HealthCheckPath', 'Identifier', 'InstanceType', 'IntegerOutOfRange', 'Ipv4Cidr', 'KarpenterDiscoveryTag',
  'KeyInOtherRegion', 'KubernetesName', 'KubernetesVersion', 'LaunchTemplateOutsideApp', 'LoadBalancerWithoutGroup', 'MasterUsername',
  'MissingArgument', 'MissingDnsName', 'MissingProp', 'NatGatewaySubnets', 'NodegroupDiskSize', 'NodegroupLaunchTemplate', 'NodegroupMixedAmiTypes',
  'NodegroupName', 'NodegroupRemoteAccess', 'NodegroupSizeOrder', 'NodeType', 'NoIsolatedSubnets', 'NotACloudAssembly', 'NotASafeCluster',
  'NoTemplates', 'PairAssemblyFile', 'PairNamePrefix', 'PairRegion', 'PairScope', 'PairStateFile', 'PortOutOfRange', 'PortToken', 'PropForOtherKind',
  'PropsType', 'PropType', 'RecordName', 'ReplicationGroupId', 'ReservedDatabaseName', 'ReservedUsername', 'RetiredColor', 'ReverseAccessCall',
  'RoleArn', 'SameDnsName', 'SameGroupTwice', 'ScopeType', 'SecurityGroupId', 'ServiceCidrOverlapsVpc', 'ServiceIpv4Cidr', 'SingleAvailabilityZone',
  'StoreInNestedStack', 'SubnetOfOtherVpc', 'TooFewItems', 'TrafficShift', 'UnknownAtSynth', 'UnknownConnectivityFinding', 'Vpc', 'VpcAndZones',
  'VpcCidrMismatch', 'VpcCidrSize', 'VpcCidrToken', 'VpcInClientStack', 'VpcPrivateSubnets', 'VpcPublicSubnets', 'VpcZones', 'WebhookPort',
  'WrongStorePort',
];

describe('the catalogue of error codes', () => {
  test('every code is a PascalCase word with a one-line meaning', () => {
    for (const [code, meaning] of Object.entries(ERROR_CODES)) {
      expect(`${code}: ${/^[A-Z][A-Za-z0-9]+$/.test(code)}`).toBe(`${code}: true`);
      expect(`${code}: ${/^[a-z`].*[^.\s]$/.test(meaning) && !/[\n|]/.test(meaning)}`).toBe(`${code}: true`);
    }
  });

  test('docs/errors.md lists every catalogued code once, with its meaning, and nothing else', () => {
    const rows = documentedCodes();
    const codes = rows.map(([code]) => code);
    expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([]);
    expect(Object.fromEntries(rows)).toEqual(ERROR_CODES);
  });

  test('no code of a release is renamed or removed', () => {
    expect(STABLE_CODES.filter((code) => !(code in ERROR_CODES))).toEqual([]);
  });
});
