import * as path from 'path';
import { COLOR_KEYS, DEFAULT_ASSEMBLY, PairSetup, checkCommand, recordCommand, shiftCommand, stackSelector } from './pair';
import { minor } from '../blue-green/pair-guards';
import { RecordedColor, RecordedNodegroup, RecordedPair, shellWord } from '../blue-green/pair-state';
import { ADDON_VERSION_PROP_NAMES, OWNED_ADDONS, OwnedAddon, addonVersionRows, coveredMinors, defaultAddonVersion } from '../model/addon-versions';
import { defaultReleaseVersion } from '../model/ami-release-versions';
import { kubernetesVersionProblem } from '../model/aws-naming-rules';

const SHIFT_STEPS = [10, 50, 100];
/** The add-ons that stay at their recorded versions while the control plane and kube-proxy move. */
const HELD_ADDONS: readonly OwnedAddon[] = OWNED_ADDONS.filter((a) => a !== 'kube-proxy');
const PIN_FLAG = '@cdk-safe-eks/nodegroup:pinReleaseVersion';
/** The key of every node group at once, when the state file did not record their IDs. */
const EACH = '';
const nodegroupLabel = (id: string) => (id === EACH ? 'each node group' : `nodegroups.${id}`);

/** The live color (the one with the larger weight, Blue on a tie) and the idle one, with their keys. */
function colors(pair: RecordedPair) {
  const [liveName, liveKey] = (pair.blue?.weight ?? 0) >= (pair.green?.weight ?? 0) ? COLOR_KEYS[0] : COLOR_KEYS[1];
  const [idleName, idleKey] = liveKey === 'blue' ? COLOR_KEYS[1] : COLOR_KEYS[0];
  return { liveName, liveKey, idleName, idleKey, live: pair[liveKey], idle: pair[idleKey] };
}

/** The minors the idle color passes through: each one in turn in place, the target alone for a new cluster. */
function targetMinors(pair: RecordedPair, toVersion: string): string[] {
  const { idle } = colors(pair);
  if (pair.upgradeStrategy !== 'IN_PLACE' || idle === undefined) return [toVersion];
  const out: string[] = [];
  for (let m = minor(idle.version)! + 1; m <= minor(toVersion)!; m++) out.push(`1.${m}`);
  return out;
}

/** `pair plan`: the ordered runbook that moves the idle color of the recorded pair to `toVersion`. */
export function formatPlan(pairPath: string, pair: RecordedPair, toVersion: string, setup: PairSetup): string {
  const { liveName, liveKey, idleName, idleKey, idle, ...rest } = colors(pair);
  // planProblem made sure one color serves traffic.
  const live = rest.live!;
  const inPlace = pair.upgradeStrategy === 'IN_PLACE';
  const steps: string[] = [];
  const stack = (suffix: string) => stackSelector(pairPath, suffix);
  const deploy = (suffix: string) => `npx cdk deploy ${shellWord(stack(suffix))}`;
  const record = recordCommand(pairPath, setup);
  const defaultAssembly = path.resolve(setup.assembly) === path.resolve(DEFAULT_ASSEMBLY);
  const synth = defaultAssembly ? 'npx cdk synth' : `npx cdk synth -o ${shellWord(setup.assembly)}`;

  const unprotect = idle !== undefined && !inPlace && idle.version !== toVersion && idle.deletionProtection;
  if (unprotect) {
    steps.push(`Let CloudFormation replace the idle cluster: set ${idleKey}.deletionProtection to false.\n     ${deploy(idleName)} && ${record}`);
  }
  const moves = inPlace && idle !== undefined
    ? inPlaceMoves(idle, targetMinors(pair, toVersion), { idleName, idleKey, liveKey, learn: `${synth} && ${record}` })
    : [newColorMove(toVersion, idleKey, liveKey, idle !== undefined, (idle ?? live).nodegroups ?? {})];
  // The guard compares each in-place step with the recorded version: every step but the last (proven and recorded next) is recorded here.
  moves.forEach((move, i) => steps.push(`${move}\n     ${deploy(idleName)}${i < moves.length - 1 ? ` && ${record}` : ''}`));
  steps.push(`Prove the new color before it gets traffic (every flow, also after the incident replay):\n     ${synth} && npx cdk-safe-eks verify ${shellWord(setup.assembly)} --replay && ${record}`);
  if (unprotect || (idle !== undefined && !idle.deletionProtection)) {
    // Once it has weight its cluster is frozen, deletion protection included: protect it while it is idle.
    steps.push(`Protect ${idleName} before it takes traffic: set ${idleKey}.deletionProtection to true (an update in place).\n     ${deploy(idleName)} && ${record}`);
  }
  steps.push(`Check ${idleName} before it takes traffic (go/no-go: its guardrail alarms, cluster, node groups, add-ons, upgrade insights and targets):\n     ${checkCommand(pairPath, idleName, setup)}`);
  const shift = `${synth} && ${shiftCommand(pairPath, setup)}`;
  SHIFT_STEPS.forEach((weight, i) => {
    const how = i === 0 ? `\n     \`pair shift\` checks ${idleName} first, rolls the shift back by itself if a guardrail alarm of ${idleName} fires during the update `
      + 'or the bake time after it (--bake-minutes), and records the new weights.' : '';
    // Back from 0 to 100 in one deploy is the guard's weight jump: a rollback accepts it, in words.
    const rollback = weight < 100 ? `Roll back: ${liveKey}.weight 100, ${idleKey}.weight 0; ${shift}`
      : `${liveName} (${live.version}) stays deployed at weight 0 as the rollback: ${liveKey}.weight 100, ${idleKey}.weight 0, `
        + `pair.acknowledgeRisk(PairColor.${liveName.toUpperCase()}, PairRisk.WEIGHT_JUMP, 'rollback to ${liveName}'); ${shift}`;
    steps.push(`Shift ${weight}% to ${idleName}: ${liveKey}.weight ${100 - weight}, ${idleKey}.weight ${weight}.\n     ${shift}${how}\n     ${rollback}`);
  });
  steps.push(`Retire ${liveName} when no rollback is needed (or keep it): ${liveKey}.deletionProtection false; ${deploy(liveName)} && ${record};\n     then remove ${liveKey} from the app; ${deploy(liveName)} (its stack keeps one placeholder resource; \`cdk destroy\` it once the color is not coming back) && ${record}`);

  const header = [
    `Upgrade plan for pair ${pairPath} (${pair.upgradeStrategy}): ${liveName} ${live.version} serves traffic (weight ${live.weight}); `
    + `${idleName} ${idle === undefined ? '(retired)' : `${idle.version} (weight ${idle.weight})`} is idle and moves to ${toVersion}.`,
    `Only ${stack(idleName)} and ${stack('Traffic')} change; ${stack('Shared')} and ${stack(liveName)} are never redeployed.`,
    '',
  ];
  return `${[...header, ...steps.map((s, i) => `${String(i + 1).padStart(2)}. ${s}`)].join('\n')}\n`;
}

/** Checks `toVersion` against the recorded pair; returns the problem, or undefined. */
export function planProblem(pair: RecordedPair, toVersion: string): string | undefined {
  // The same rule as a cluster's version: "1.N", no leading zero (1.034 is not 1.34).
  if (kubernetesVersionProblem(toVersion) !== undefined) return `--to must be a Kubernetes minor version such as 1.35; got ${JSON.stringify(toVersion)}`;
  if (pair.blue === undefined && pair.green === undefined) return 'both colors are retired; there is no live color to keep serving traffic';
  const live = Math.max(pair.blue?.weight ?? 0, pair.green?.weight ?? 0);
  if (live < 100) return 'traffic is split between the colors; finish the shift (one color at weight 100) and record before planning an upgrade';
  const liveColor: RecordedColor = (pair.blue?.weight ?? 0) === 100 ? pair.blue! : pair.green!;
  if (minor(toVersion)! <= minor(liveColor.version)!) return `--to ${toVersion} is not newer than the live color's ${liveColor.version}`;
  const covered = coveredMinors();
  const uncovered = targetMinors(pair, toVersion).filter((v) => !covered.includes(v) || defaultReleaseVersion(v) === undefined);
  if (uncovered.length > 0) {
    return `the library's tables list no add-on versions or AMI release for Kubernetes ${uncovered.join(', ')} (the add-on table covers ${covered.join(', ')}), `
      + `so the plan cannot name the versions the idle color moves to; upgrade cdk-safe-eks for newer tables, or plan to a version they cover`;
  }
  return undefined;
}

/** The table's version of each owned add-on for `version` (planProblem makes sure it has one). */
function tableAddons(version: string): { [addon in OwnedAddon]: string } {
  return Object.fromEntries(OWNED_ADDONS.map((a) => [a, defaultAddonVersion(a, version)!.version])) as { [addon in OwnedAddon]: string };
}

function addonList(versions: { readonly [addon: string]: string }): string {
  return OWNED_ADDONS.map((a) => `${a} ${versions[a]}`).join(', ');
}

const versionLiteral = (v: string) => `eks.KubernetesVersion.of('${v}')`;

/** The edit that creates the idle color's new cluster, at the table's versions of its minor. */
function newColorMove(toVersion: string, idleKey: string, liveKey: string, replaced: boolean, recordedNodegroups: { readonly [id: string]: RecordedNodegroup }): string {
  const remove = replaced ? `; remove any addonVersions, unlistedAddonVersionReason and node group kubernetesVersion or releaseVersion from ${idleKey}` : '';
  // The color's node groups as recorded tell which ones the AMI table cannot pin.
  const own = Object.entries(recordedNodegroups).filter(([, n]) => outsideTable({ ...n, explicit: false }))
    .map(([id, n]) => `; set a releaseVersion of ${toVersion} for ${n.amiType} on ${nodegroupLabel(id)} (the AMI table covers Amazon Linux 2023 only)`).join('');
  return `Edit the app: ${idleKey}: { version: ${versionLiteral(toVersion)}, weight: 0 }; leave ${liveKey} as it is.\n`
    + `     The new cluster starts at the table's versions for ${toVersion}: ${addonList(tableAddons(toVersion))}, `
    + `node groups at AMI release ${defaultReleaseVersion(toVersion)!.releaseVersion}${remove}${own}.`;
}

interface InPlaceNames {
  readonly idleName: string;
  readonly idleKey: string;
  readonly liveKey: string;
  /** The commands that record what the app as deployed pins, for a state file recorded before the versions were. */
  readonly learn: string;
}

/** A node group as the plan walks it: the versions it runs, and whether it names them only when told (recorded without a version). */
interface PlannedNodegroup extends RecordedNodegroup {
  readonly explicit: boolean;
}
type Addons = { readonly [addon: string]: string };
type Nodegroups = { readonly [id: string]: PlannedNodegroup };

/**
 * One minor at a time, three deploys each: the control plane with kube-proxy (the other add-ons and the
 * nodes pinned where they run), then the add-ons, then the nodes, each to the tables' versions of the minor.
 * Each minor starts where the one before left the color; the first, where the state file recorded it.
 */
function inPlaceMoves(idle: RecordedColor, minors: readonly string[], names: InPlaceNames): string[] {
  const { idleName, idleKey } = names;
  let addons: Addons | undefined = HELD_ADDONS.every((a) => idle.addons?.[a] !== undefined) ? idle.addons : undefined;
  let nodegroups: Nodegroups | undefined = idle.nodegroups === undefined ? undefined
    : Object.fromEntries(Object.entries(idle.nodegroups).map(([id, n]) => [id, { ...n, explicit: n.version === undefined }]));
  let from = idle.version;
  const moves: string[] = [];
  for (const to of minors) {
    const table = tableAddons(to);
    const release = defaultReleaseVersion(to)!.releaseVersion;
    const control = controlPlaneMove(addons, nodegroups, from, to, names);
    moves.push(control.move);
    moves.push(`Add-ons of ${idleName} to the table's versions for ${to}: remove ${idleKey}.addonVersions${control.reasonSet} (${addonList(table)}).`);
    moves.push(`Nodes of ${idleName} to ${to}, AMI release ${release} (the table's): ${nodeMoves(nodegroups, to, release)}.`);
    addons = table;
    // Node groups of unknown IDs are, after their step, each at the minor's versions.
    nodegroups = Object.fromEntries(Object.entries(nodegroups ?? { [EACH]: { explicit: false } })
      .map(([id, n]) => [id, outsideTable(n) ? { ...n, version: to, releaseVersion: OWN_RELEASE } : { ...n, version: to, releaseVersion: release }]));
    from = to;
  }
  return moves;
}

/**
 * The control plane's step to `to`: kube-proxy at the table's version of `to`, the other add-ons and the
 * node groups pinned where they run (with the reason synthesis asks for a version the table lists only for
 * `from`), or, where the state file does not say, the words that say so. `reasonSet` is what the add-ons
 * step removes besides `addonVersions`.
 */
function controlPlaneMove(addons: Addons | undefined, nodegroups: Nodegroups | undefined, from: string, to: string, names: InPlaceNames): { move: string; reasonSet: string } {
  const { idleName, idleKey, liveKey, learn } = names;
  const kubeProxy = `kubeProxy: '${defaultAddonVersion('kube-proxy', to)!.version}'`;
  const field = (a: OwnedAddon) => (a === 'kube-proxy' ? kubeProxy : `${ADDON_VERSION_PROP_NAMES[a]}: ${addons === undefined ? `<as ${idleName} runs it>` : `'${addons[a]}'`}`);
  const unlisted = addons === undefined ? [] : HELD_ADDONS.filter((a) => !addonVersionRows(a, to).some((r) => r.version === addons[a])).map((a) => `${a} ${addons[a]}`);
  const pins = `addonVersions: { ${OWNED_ADDONS.map(field).join(', ')} }` + (addons === undefined
    ? ` (and unlistedAddonVersionReason if the table does not list one of them for ${to})`
    : unlisted.length > 0 ? `, unlistedAddonVersionReason: '${unlisted.join(', ')} as at ${from}, until the add-ons step'` : '');
  const nodePins = nodegroups === undefined ? 'each node group: { kubernetesVersion, releaseVersion } <as it runs>'
    : Object.entries(nodegroups).map(([id, n]) => nodegroupPin(id, n)).join('; ');
  const unknown = [addons === undefined ? ['add-on'] : [], nodegroups === undefined ? ['node group'] : []].flat();
  const move = `Control plane and kube-proxy of ${idleName} to ${to}; the other add-ons and the nodes stay where they run `
    + '(nodes up to three minors behind the control plane are within the version-skew policy).\n'
    + `     Edit the app: ${idleKey}: { version: ${versionLiteral(to)}, ${pins} }; ${nodePins}; leave ${liveKey} as it is.`
    + (unknown.length === 0 ? '' : `\n     The state file records no ${unknown.join(' or ')} versions of ${idleName} (it was recorded before it kept them): `
      + `record again to learn them, with the app as deployed (\`${learn}\`), then run \`pair plan\` again.`);
  const reasonSet = addons === undefined ? ` and ${idleKey}.unlistedAddonVersionReason, if set` : unlisted.length > 0 ? ` and ${idleKey}.unlistedAddonVersionReason` : '';
  return { move, reasonSet };
}

/** A node group held where it runs for the control plane's step. */
function nodegroupPin(id: string, n: PlannedNodegroup): string {
  if (n.releaseVersion === undefined && n.version === undefined) return `${nodegroupLabel(id)} names no version (its nodes stay as they are)`;
  // An AMI release alone is checked against the control plane's minor: the nodes' own minor keeps it valid.
  const version = n.version ?? n.releaseVersion!.split('.').slice(0, 2).join('.');
  const release = n.releaseVersion === undefined ? [] : [`releaseVersion: ${n.releaseVersion === OWN_RELEASE ? OWN_RELEASE : `'${n.releaseVersion}'`}`];
  return `${nodegroupLabel(id)}: { ${[`kubernetesVersion: ${versionLiteral(version)}`, ...release].join(', ')} }`;
}

/** What the nodes' step edits: a pinned node group drops its pins (the flag names the table's), one that names no version is told. */
function nodeMoves(nodegroups: Nodegroups | undefined, to: string, release: string): string {
  const set = `kubernetesVersion: ${versionLiteral(to)}, releaseVersion: '${release}'`;
  const dropped = `(with ${PIN_FLAG} on they then name these; with it off, set ${set} instead)`;
  if (nodegroups === undefined) return `remove the kubernetesVersion and releaseVersion the first step set on each node group ${dropped}`;
  const ids = Object.keys(nodegroups);
  const own = ids.filter((id) => outsideTable(nodegroups[id]));
  const drop = ids.filter((id) => !own.includes(id) && !nodegroups[id].explicit);
  const tell = ids.filter((id) => !own.includes(id) && nodegroups[id].explicit);
  return [
    ...(drop.length === 0 ? [] : [`remove kubernetesVersion and releaseVersion from ${drop.map(nodegroupLabel).join(', ')} ${dropped}`]),
    ...(tell.length === 0 ? [] : [`set ${set} on ${tell.map(nodegroupLabel).join(', ')} (recorded with no version of its own, it moves only when told)`]),
    ...own.map((id) => `set kubernetesVersion: ${versionLiteral(to)} and a releaseVersion of ${to} for ${nodegroups[id].amiType} on ${nodegroupLabel(id)} `
      + '(the library\'s AMI table covers Amazon Linux 2023 only, so nothing pins this one for you)'),
  ].join('; ') || 'the color has no node groups: nothing to move';
}

/** The release a node group outside the AMI table runs once its step set it: the user's, not the table's. */
const OWN_RELEASE = '<the release you set>';

/** A node group whose recorded AMI type the library's AMI release table does not cover (it lists Amazon Linux 2023 only). */
function outsideTable(n: PlannedNodegroup): boolean {
  return n.amiType !== undefined && !n.amiType.startsWith('AL2023');
}
