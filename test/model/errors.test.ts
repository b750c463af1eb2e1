import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ControlPlaneTraffic, FlowModel, RequiredFlows, SafeEksErrors } from '../../lib';
import { readStateFile } from '../../lib/blue-green/pair-state';
import { loadTemplates } from '../../lib/model/template-directory';
import { SafeEksError } from '../../lib/private/errors';
import { checkValue } from '../../lib/private/guards';

/** What `run` threw (it must throw). */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

const MESSAGE_SHAPE = /^[^\n]+: .+ Got: .+\. Fix: .+$/s;
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-errors-'));

describe('SafeEksErrors recognises every error class of the library, with its code', () => {
  test.each<[string, string, () => unknown]>([
    ['SafeEksError (a construct prop)', 'PropType', () => checkValue('Test/Cluster', 'clusterName', 1, { type: 'string' })],
    ['SafeEksError (made directly)', 'ClusterName', () => { throw new SafeEksError('Test/Cluster', 'ClusterName', '`clusterName` is bad.', '"x y"', 'rename it'); }],
    ['InvalidArgumentError (a model argument)', 'ArgumentType', () => FlowModel.fromTemplates('not an array' as never)],
    ['InvalidArgumentError (RequiredFlows.select)', 'FlowOptions',
      () => RequiredFlows.select({ webhookFlows: false, controlPlaneTraffic: ControlPlaneTraffic.ALL_TCP })],
    ['AssemblyError (no such directory)', 'AssemblyDirectory', () => FlowModel.fromAssemblyDirectory(path.join(tempDir(), 'missing'))],
    ['AssemblyError (no manifest)', 'NotACloudAssembly', () => FlowModel.fromAssemblyDirectory(tempDir())],
    ['AssemblyError (no template)', 'NoTemplates', () => loadTemplates(tempDir())],
    ['PairStateError (a directory as state file)', 'PairStateFile', () => readStateFile(tempDir())],
  ])('%s: %s', (_name, code, run) => {
    const error = thrown(run);
    expect(SafeEksErrors.isSafeEksError(error)).toBe(true);
    expect(SafeEksErrors.codeOf(error)).toBe(code);
    expect((error as { code: string }).code).toBe(code);
    expect((error as Error).message).toMatch(MESSAGE_SHAPE);
  });

  test.each<[string, unknown]>([
    ['a plain Error', new Error('boom')],
    ['a TypeError', new TypeError('x is not a function')],
    ['a Node error with a code', Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' })],
    ['an object with a catalogued code field', { code: 'MissingProp', message: 'x' }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'MissingProp'],
    ['a number', 42],
    ['a function', () => 1],
  ])('%s is not an error of the library', (_name, value) => {
    expect(SafeEksErrors.isSafeEksError(value)).toBe(false);
    expect(SafeEksErrors.codeOf(value)).toBeUndefined();
  });

  test('the brand of another copy of the library is recognised, where instanceof is not', () => {
    type ArgumentChecks = typeof import('../../lib/model/argument-checks');
    let copy: ArgumentChecks | undefined;
    let copiedContract: typeof SafeEksErrors | undefined;
    jest.isolateModules(() => {
      copy = jest.requireActual<ArgumentChecks>('../../lib/model/argument-checks');
      copiedContract = jest.requireActual<typeof import('../../lib/model/errors')>('../../lib/model/errors').SafeEksErrors;
    });
    const foreign = new copy!.InvalidArgumentError('FlowModel.evaluate', 'MissingArgument', '`options` is required.', 'undefined', 'pass `options`');
    const own = thrown(() => FlowModel.fromTemplates(undefined as never));
    expect(foreign).not.toBeInstanceOf((own as object).constructor);
    expect(SafeEksErrors.codeOf(foreign)).toBe('MissingArgument');
    expect(copiedContract!.codeOf(own)).toBe('MissingArgument');
    // The registered symbol is the whole contract: nothing else of this copy is needed.
    expect(SafeEksErrors.codeOf({ [Symbol.for('cdk-safe-eks.SafeEksError')]: 'PropType' })).toBe('PropType');
    expect(SafeEksErrors.isSafeEksError({ [Symbol('cdk-safe-eks.SafeEksError')]: 'PropType' })).toBe(false);
  });

  test('the brand is not enumerable: a copy of the error\'s fields is not an error of the library', () => {
    const error = new SafeEksError('Test', 'MissingProp', '`vpc` is required.', 'undefined', 'pass `vpc`');
    expect(Object.getOwnPropertyDescriptor(error, Symbol.for('cdk-safe-eks.SafeEksError'))).toMatchObject({ value: 'MissingProp', enumerable: false });
    expect(SafeEksErrors.isSafeEksError({ ...error })).toBe(false);
  });

  test('a code outside the catalogue does not compile', () => {
    // @ts-expect-error 'NoSuchCode' is not an ErrorCode (`tsc --noEmit` fails if this line compiles).
    const error = new SafeEksError('Test', 'NoSuchCode', 'p.', 'v', 'f');
    expect(error.code).toBe('NoSuchCode');
  });
});
