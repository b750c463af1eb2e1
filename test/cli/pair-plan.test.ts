import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatPlan } from '../../lib/cli/pair-plan';
import { ExitCode, runCli } from '../../lib/cli/program';
import { OwnedAddon, defaultAddonVersion } from '../../lib/model/addon-versions';
import { defaultReleaseVersion } from '../../lib/model/ami-release-versions';

function cli(...args: string[]) {
  let out = '';
  let err = '';
  const code = runCli(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, writeFile: () => undefined });
  return { code, out, err };
}

/** The table's version of an add-on for a minor, and its AMI release: what the plan must print. */
const addon = (name: OwnedAddon, minor: string) => defaultAddonVersion(name, minor)!.version;
const ami = (minor: string) => defaultReleaseVersion(minor)!.releaseVersion;
const tableAddons = (minor: string) =>
  `vpc-cni ${addon('vpc-cni', minor)}, kube-proxy ${addon('kube-proxy', minor)}, coredns ${addon('coredns', minor)}, eks-pod-identity-agent ${addon('eks-pod-identity-agent', minor)}`;

/** Green idle at 1.33 as the table's defaults and the pin flag left it. */
const GREEN_1_33 = {
  clusterName: 'payments-green-1-33', deletionProtection: true, fingerprint: 'fedcba9876543210', version: '1.33', weight: 0,
  addons: { 'vpc-cni': addon('vpc-cni', '1.33'), 'kube-proxy': addon('kube-proxy', '1.33'), 'coredns': addon('coredns', '1.33'), 'eks-pod-identity-agent': addon('eks-pod-identity-agent', '1.33') },
  nodegroups: { General: { version: '1.33', releaseVersion: ami('1.33') } },
};
const BLUE_1_33 = { ...GREEN_1_33, clusterName: 'payments-blue-1-33', fingerprint: '0123456789abcdef', weight: 100 };

function plan(pair: object, to: string, ...flags: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-plan-'));
  const given = flags.indexOf('--state-file');
  const stateFile = path.join(dir, given < 0 ? 'cdk-safe-eks.state.json' : flags[given + 1]);
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  fs.writeFileSync(stateFile, JSON.stringify({ formatVersion: 2, pairs: { Payments: pair } }));
  const cwd = process.cwd();
  // The default state file and assembly are resolved against the working directory, as `cdk synth` resolves them.
  process.chdir(dir);
  try {
    const { code, out, err } = cli('pair', 'plan', '--pair', 'Payments', '--to', to, ...flags);
    expect({ code, err }).toEqual({ code: ExitCode.OK, err: '' });
    return out;
  } finally {
    process.chdir(cwd);
  }
}

const RECORD = 'npx cdk-safe-eks pair record --pair Payments';
const SHIFT = 'npx cdk synth && npx cdk-safe-eks pair shift --pair Payments';

/** The steps after the new color is in place: the proof, the go/no-go, three shifts, retirement. */
function fromProof(first: number, protect: boolean): string[] {
  const n = (i: number) => `${String(first + i).padStart(2)}.`;
  const p = protect ? 1 : 0;
  return [
    `${n(0)} Prove the new color before it gets traffic (every flow, also after the incident replay):`,
    `     npx cdk synth && npx cdk-safe-eks verify cdk.out --replay && ${RECORD}`,
    ...(protect ? [`${n(1)} Protect Green before it takes traffic: set green.deletionProtection to true (an update in place).`, `     npx cdk deploy Payments-Green && ${RECORD}`] : []),
    `${n(1 + p)} Check Green before it takes traffic (go/no-go: its guardrail alarms, cluster, node groups, add-ons, upgrade insights and targets):`,
    '     npx cdk-safe-eks pair check --pair Payments --color green',
    `${n(2 + p)} Shift 10% to Green: blue.weight 90, green.weight 10.`,
    `     ${SHIFT}`,
    '     `pair shift` checks Green first, rolls the shift back by itself if a guardrail alarm of Green fires during the update or the bake time after it (--bake-minutes), and records the new weights.',
    `     Roll back: blue.weight 100, green.weight 0; ${SHIFT}`,
    `${n(3 + p)} Shift 50% to Green: blue.weight 50, green.weight 50.`,
    `     ${SHIFT}`,
    `     Roll back: blue.weight 100, green.weight 0; ${SHIFT}`,
    `${n(4 + p)} Shift 100% to Green: blue.weight 0, green.weight 100.`,
    `     ${SHIFT}`,
    `     Blue (1.33) stays deployed at weight 0 as the rollback: blue.weight 100, green.weight 0, pair.acknowledgeRisk(PairColor.BLUE, PairRisk.WEIGHT_JUMP, 'rollback to Blue'); ${SHIFT}`,
    `${n(5 + p)} Retire Blue when no rollback is needed (or keep it): blue.deletionProtection false; npx cdk deploy Payments-Blue && ${RECORD};`,
    `     then remove blue from the app; npx cdk deploy Payments-Blue (its stack keeps one placeholder resource; \`cdk destroy\` it once the color is not coming back) && ${RECORD}`,
    '',
  ];
}

describe('cdk-safe-eks pair plan', () => {
  test('REPLACE: the new color starts at the table\'s versions of its minor, and traffic moves with pair check and pair shift', () => {
    expect(plan({ upgradeStrategy: 'REPLACE', blue: BLUE_1_33, green: GREEN_1_33 }, '1.35')).toBe([
      'Upgrade plan for pair Payments (REPLACE): Blue 1.33 serves traffic (weight 100); Green 1.33 (weight 0) is idle and moves to 1.35.',
      'Only Payments-Green and Payments-Traffic change; Payments-Shared and Payments-Blue are never redeployed.',
      '',
      ' 1. Let CloudFormation replace the idle cluster: set green.deletionProtection to false.',
      `     npx cdk deploy Payments-Green && ${RECORD}`,
      " 2. Edit the app: green: { version: eks.KubernetesVersion.of('1.35'), weight: 0 }; leave blue as it is.",
      `     The new cluster starts at the table's versions for 1.35: ${tableAddons('1.35')}, node groups at AMI release ${ami('1.35')}; `
        + 'remove any addonVersions, unlistedAddonVersionReason and node group kubernetesVersion or releaseVersion from green.',
      '     npx cdk deploy Payments-Green',
      // Unprotected for the replacement, so protected again before it takes traffic.
      ...fromProof(3, true),
    ].join('\n'));
  });

  test('IN_PLACE 1.33 -> 1.35: per minor, the control plane with kube-proxy, then the add-ons, then the nodes, each deployed and recorded', () => {
    const pin = (v: string) => `eks.KubernetesVersion.of('${v}')`;
    const step = (from: string, to: string, first: number, last: boolean) => {
      const n = (i: number) => `${String(first + i).padStart(2)}.`;
      // CoreDNS changes build with every minor, so the one recorded at the old minor is outside the table for the new one.
      return [
        `${n(0)} Control plane and kube-proxy of Green to ${to}; the other add-ons and the nodes stay where they run (nodes up to three minors behind the control plane are within the version-skew policy).`,
        `     Edit the app: green: { version: ${pin(to)}, addonVersions: { vpcCni: '${addon('vpc-cni', from)}', kubeProxy: '${addon('kube-proxy', to)}', `
          + `coreDns: '${addon('coredns', from)}', podIdentityAgent: '${addon('eks-pod-identity-agent', from)}' }, `
          + `unlistedAddonVersionReason: 'coredns ${addon('coredns', from)} as at ${from}, until the add-ons step' }; `
          + `nodegroups.General: { kubernetesVersion: ${pin(from)}, releaseVersion: '${ami(from)}' }; leave blue as it is.`,
        `     npx cdk deploy Payments-Green && ${RECORD}`,
        `${n(1)} Add-ons of Green to the table's versions for ${to}: remove green.addonVersions and green.unlistedAddonVersionReason (${tableAddons(to)}).`,
        `     npx cdk deploy Payments-Green && ${RECORD}`,
        `${n(2)} Nodes of Green to ${to}, AMI release ${ami(to)} (the table's): remove kubernetesVersion and releaseVersion from nodegroups.General `
          + `(with @cdk-safe-eks/nodegroup:pinReleaseVersion on they then name these; with it off, set kubernetesVersion: ${pin(to)}, releaseVersion: '${ami(to)}' instead).`,
        // The last deploy is recorded by the proof that follows.
        `     npx cdk deploy Payments-Green${last ? '' : ` && ${RECORD}`}`,
      ];
    };
    const out = plan({ upgradeStrategy: 'IN_PLACE', blue: { ...BLUE_1_33, clusterName: 'payments-blue' }, green: { ...GREEN_1_33, clusterName: 'payments-green' } }, '1.35');
    expect(out).toBe([
      'Upgrade plan for pair Payments (IN_PLACE): Blue 1.33 serves traffic (weight 100); Green 1.33 (weight 0) is idle and moves to 1.35.',
      'Only Payments-Green and Payments-Traffic change; Payments-Shared and Payments-Blue are never redeployed.',
      '',
      ...step('1.33', '1.34', 1, false),
      ...step('1.34', '1.35', 4, true),
      ...fromProof(7, false),
    ].join('\n'));
    expect(out).not.toContain('deletionProtection to false');
  });

  test('IN_PLACE with a node group that names no version (pin flag off) tells it its version, and leaves out a reason no pin needs', () => {
    const green = { ...GREEN_1_33, addons: { ...GREEN_1_33.addons, coredns: addon('coredns', '1.34') }, nodegroups: { General: {} } };
    const out = plan({ upgradeStrategy: 'IN_PLACE', blue: BLUE_1_33, green }, '1.34');
    expect(out).toContain(`coreDns: '${addon('coredns', '1.34')}', podIdentityAgent: '${addon('eks-pod-identity-agent', '1.33')}' } }; nodegroups.General names no version (its nodes stay as they are); leave blue as it is.`);
    expect(out).toContain(' 2. Add-ons of Green to the table\'s versions for 1.34: remove green.addonVersions (');
    expect(out).toContain(` 3. Nodes of Green to 1.34, AMI release ${ami('1.34')} (the table's): set kubernetesVersion: eks.KubernetesVersion.of('1.34'), releaseVersion: '${ami('1.34')}' `
      + 'on nodegroups.General (recorded with no version of its own, it moves only when told).\n');
    // An AMI release alone is checked against the control plane's new minor, so the step names the nodes' own minor beside it.
    const gpu = plan({ upgradeStrategy: 'IN_PLACE', blue: BLUE_1_33, green: { ...green, nodegroups: { Gpu: { releaseVersion: ami('1.33') } } } }, '1.34');
    expect(gpu).toContain(`nodegroups.Gpu: { kubernetesVersion: eks.KubernetesVersion.of('1.33'), releaseVersion: '${ami('1.33')}' }; leave blue as it is.`);
    expect(gpu).toContain(`set kubernetesVersion: eks.KubernetesVersion.of('1.34'), releaseVersion: '${ami('1.34')}' on nodegroups.Gpu`);
  });

  test('IN_PLACE from a state file recorded before the versions were: the steps say so and how to learn them, and print no undefined', () => {
    const { addons, nodegroups, ...old } = GREEN_1_33;
    expect([addons, nodegroups]).toBeDefined();
    const out = plan({ upgradeStrategy: 'IN_PLACE', blue: BLUE_1_33, green: old }, '1.35');
    expect(out).not.toMatch(/undefined/);
    expect(out).toContain(`addonVersions: { vpcCni: <as Green runs it>, kubeProxy: '${addon('kube-proxy', '1.34')}', coreDns: <as Green runs it>, podIdentityAgent: <as Green runs it> } `
      + '(and unlistedAddonVersionReason if the table does not list one of them for 1.34) }; each node group: { kubernetesVersion, releaseVersion } <as it runs>; leave blue as it is.\n'
      + '     The state file records no add-on or node group versions of Green (it was recorded before it kept them): record again to learn them, '
      + `with the app as deployed (\`npx cdk synth && ${RECORD}\`), then run \`pair plan\` again.\n`);
    expect(out).toContain('remove green.addonVersions and green.unlistedAddonVersionReason, if set');
    // From the second minor on, the plan knows what the first one left: the table's versions.
    expect(out).toContain(`coreDns: '${addon('coredns', '1.34')}'`);
    expect(out).toContain(`each node group: { kubernetesVersion: eks.KubernetesVersion.of('1.34'), releaseVersion: '${ami('1.34')}' }; leave blue as it is.`);
    expect(out.match(/record again to learn them/g)).toHaveLength(1);
  });

  test('every printed pair check, pair shift and pair record names the --assembly and --state-file given, when they are not the defaults', () => {
    const out = plan({ upgradeStrategy: 'REPLACE', blue: BLUE_1_33, green: GREEN_1_33 }, '1.34', '--assembly', 'out dir', '--state-file', 'states/pairs.json');
    const flags = "--assembly 'out dir' --state-file states/pairs.json";
    expect(out).toContain(`     npx cdk-safe-eks pair check --pair Payments --color green ${flags}\n`);
    expect(out).toContain(`     npx cdk synth -o 'out dir' && npx cdk-safe-eks pair shift --pair Payments ${flags}\n`);
    expect(out).toContain(`Roll back: blue.weight 100, green.weight 0; npx cdk synth -o 'out dir' && npx cdk-safe-eks pair shift --pair Payments ${flags}\n`);
    const commands = [...out.matchAll(/npx cdk-safe-eks pair (\w+) [^;&\n]+/g)].map((m) => m[0].trim());
    expect(commands.length).toBeGreaterThan(0);
    expect(commands.filter((c) => !c.endsWith(flags))).toEqual([]);
    expect(new Set(commands.map((c) => c.split(' ')[3]))).toEqual(new Set(['record', 'check', 'shift']));
    // Traffic moves with pair shift only: no step deploys the Traffic stack itself.
    expect(out).not.toContain('cdk deploy Payments-Traffic');
  });
});

describe('node groups outside the AMI table', () => {
  const bottlerocket = { version: '1.33', releaseVersion: '1.40.0-5e0c7b5d', amiType: 'BOTTLEROCKET_x86_64' };
  const withBottlerocket = (color: typeof GREEN_1_33) => ({ ...color, nodegroups: { General: { ...color.nodegroups.General, amiType: 'AL2023_x86_64_STANDARD' }, Bottle: bottlerocket } });

  test('IN_PLACE: the nodes step asks for a release of the minor for its AMI type, and the next minor keeps the one set', () => {
    const out = plan({ upgradeStrategy: 'IN_PLACE', blue: withBottlerocket(BLUE_1_33), green: withBottlerocket(GREEN_1_33) }, '1.35');
    const nodes = out.split('\n').filter((l) => /^ *\d+\. Nodes of Green/.test(l));
    expect(nodes).toHaveLength(2);
    expect(nodes[0]).toContain(`remove kubernetesVersion and releaseVersion from nodegroups.General`);
    expect(nodes[0]).toContain("set kubernetesVersion: eks.KubernetesVersion.of('1.34') and a releaseVersion of 1.34 for BOTTLEROCKET_x86_64 on nodegroups.Bottle "
      + "(the library's AMI table covers Amazon Linux 2023 only, so nothing pins this one for you)");
    expect(nodes[0]).not.toContain(`nodegroups.Bottle (with`);
    // The control plane's step to 1.34 pins Bottle where it was recorded; the one to 1.35, where the user set it.
    expect(out).toContain("nodegroups.Bottle: { kubernetesVersion: eks.KubernetesVersion.of('1.33'), releaseVersion: '1.40.0-5e0c7b5d' }");
    expect(out).toContain("nodegroups.Bottle: { kubernetesVersion: eks.KubernetesVersion.of('1.34'), releaseVersion: <the release you set> }");
  });

  test('REPLACE: the new color\'s step asks for a release of the minor for each such node group', () => {
    const out = plan({ upgradeStrategy: 'REPLACE', blue: withBottlerocket(BLUE_1_33), green: { ...withBottlerocket(GREEN_1_33), deletionProtection: false } }, '1.34');
    expect(out).toContain(`node groups at AMI release ${ami('1.34')}; remove any addonVersions, unlistedAddonVersionReason and node group kubernetesVersion or releaseVersion from green; `
      + 'set a releaseVersion of 1.34 for BOTTLEROCKET_x86_64 on nodegroups.Bottle (the AMI table covers Amazon Linux 2023 only).');
  });
});

describe('the runbook in docs/blue-green.md', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'blue-green.md'), 'utf-8');
  const blocks = [...doc.matchAll(/```text\n\$ npx cdk-safe-eks pair plan --pair Payments --to 1\.35\n([\s\S]*?)```\n/g)].map((m) => m[1]);
  /** The example pair, deployed and recorded: both colors at 1.34 with the table's versions, Green idle. */
  const at = (minor: string) => ({
    version: minor, addons: Object.fromEntries((['vpc-cni', 'kube-proxy', 'coredns', 'eks-pod-identity-agent'] as const).map((a) => [a, addon(a, minor)])),
    nodegroups: { General: { version: minor, releaseVersion: ami(minor) } },
  });
  const blue = { ...BLUE_1_33, ...at('1.34') };
  const green = { ...GREEN_1_33, ...at('1.34') };

  test('is what pair plan prints, for REPLACE (the example, Green unprotected) and IN_PLACE', () => {
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toBe(plan({ upgradeStrategy: 'REPLACE', blue, green: { ...green, deletionProtection: false } }, '1.35'));
    expect(blocks[1]).toBe(plan({ upgradeStrategy: 'IN_PLACE', blue, green }, '1.35'));
    // The app of its first step, compiled and synthesized by the docs test, pins what the step prints.
    const app = doc.slice(doc.indexOf("new BlueGreenClusterPair(app, 'Orders'"));
    for (const pin of [/addonVersions: \{[^}]*\}/, /unlistedAddonVersionReason: '[^']*'/]) expect(blocks[1]).toContain(pin.exec(app)![0]);
    expect(app).toContain(`nodegroups: { General: { ...general, kubernetesVersion: eks.KubernetesVersion.V1_34, releaseVersion: '${ami('1.34')}' } }`);
  });

  test('the excerpt in docs/pipelines.md is how the plan of a Stage\'s pair begins', () => {
    const pipelines = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'pipelines.md'), 'utf-8');
    const excerpt = /```text\n\$ npx cdk-safe-eks pair plan --pair EuWest1\/Payments --to 1\.35\n([\s\S]*?)\.\.\.\n```\n/.exec(pipelines)![1];
    const printed = formatPlan('EuWest1/Payments', { upgradeStrategy: 'REPLACE', blue, green: { ...green, deletionProtection: false } }, '1.35',
      { stateFile: 'cdk-safe-eks.state.json', assembly: 'cdk.out' });
    expect(printed.startsWith(excerpt)).toBe(true);
  });
});
