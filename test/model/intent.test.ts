import * as fc from 'fast-check';
import { INTENT_METADATA_KEY, intentMetadata, readIntent } from '../../lib/model/intent';
import { RequiredFlows } from '../../lib/model/required-flows';

describe('cluster intent metadata', () => {
  test('round-trips the flows a cluster writes, reasons taken from the table', () => {
    const flows = RequiredFlows.select({ webhookFlows: false });
    const warnings: string[] = [];
    const intent = readIntent({ [INTENT_METADATA_KEY]: intentMetadata(flows) }, 'S/C', warnings);
    expect(intent?.requiredFlows).toEqual(flows);
    expect(warnings).toEqual([]);
  });

  test('a cluster without the record has no intent and no warning', () => {
    const warnings: string[] = [];
    expect(readIntent(undefined, 'S/C', warnings)).toBeUndefined();
    expect(readIntent({ Other: 1 }, 'S/C', warnings)).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  test('any malformed record is a warning and no intent, never a crash', () => {
    fc.assert(fc.property(fc.anything(), (junk) => {
      const warnings: string[] = [];
      const intent = readIntent({ [INTENT_METADATA_KEY]: junk }, 'S/C', warnings);
      if (intent === undefined && junk !== undefined) expect(warnings).toEqual([expect.stringContaining('S/C: cdk-safe-eks:intent metadata is not a schema 1 record')]);
    }));
    const bad = intentMetadata(RequiredFlows.all()) as { requiredFlows: Array<{ [key: string]: unknown }> };
    bad.requiredFlows[0].toPort = 70000;
    const warnings: string[] = [];
    expect(readIntent({ [INTENT_METADATA_KEY]: bad }, 'S/C', warnings)).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  test('records the owned node group and acknowledged findings; an acknowledgement without a reason is ignored with a warning', () => {
    const flows = RequiredFlows.all();
    const acknowledgements = [{ id: 'EksUpgradeSafety-EUP1', reason: 'Compute is in another app.' }];
    const warnings: string[] = [];
    const intent = readIntent({ [INTENT_METADATA_KEY]: intentMetadata(flows, { nodeSecurityGroup: 'NodeSg', acknowledgements }) }, 'S/C', warnings);
    expect(intent).toEqual({ requiredFlows: flows, nodeSecurityGroup: 'NodeSg', acknowledgements });
    expect(warnings).toEqual([]);

    const raw = { ...intentMetadata(flows), acknowledgements: [{ id: 'EksUpgradeSafety-EUP1', reason: ' ' }, ...acknowledgements] };
    expect(readIntent({ [INTENT_METADATA_KEY]: raw }, 'S/C', warnings)?.acknowledgements).toEqual(acknowledgements);
    expect(warnings).toEqual([expect.stringContaining('S/C: cdk-safe-eks:intent has acknowledgements without an id and a reason')]);
  });
});
