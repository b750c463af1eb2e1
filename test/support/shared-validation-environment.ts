/**
 * Jest's node environment, plus one CloudFormation validation engine per worker process.
 *
 * aws-cdk-lib validates every synthesized template with `@aws/cloudformation-validate`, a WASM engine
 * that takes 2-3 s to build. Jest gives each test file a fresh module registry, so every file built it
 * again, and aws-cdk-lib builds it again whenever an app brings a resource type the last one lacked:
 * that was most of `npm test`'s time. This environment loads the engine's module once in the worker
 * (this file's module state outlives the test files the worker runs) and hands it to each file's
 * aws-cdk-lib through `test/support/shared-cloudformation-validate.ts` (jest's moduleNameMapper).
 * Engines are reused per configuration, so every template is still validated by the same engine with
 * the same rules; only the rebuilding is gone.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TestEnvironment } from 'jest-environment-node';
import { CFN_LINT_EXEMPT, SHARED_VALIDATE_GLOBAL } from './shared-validate-global';

interface Engine {
  free(): void;
}
type EngineClass = new (config?: object) => Engine;
type ValidateModule = { readonly CompositeEngine: EngineClass; readonly TemplateContent: unknown } & { readonly [name: string]: unknown };

let shared: ValidateModule | undefined;

function sharedValidateModule(): ValidateModule {
  if (shared !== undefined) return shared;
  // The copy aws-cdk-lib itself depends on (it is nested under aws-cdk-lib, not hoisted).
  const cdkDir = path.dirname(require.resolve('aws-cdk-lib/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded from aws-cdk-lib's own directory, found at run time
  const original = require(require.resolve('@aws/cloudformation-validate', { paths: [cdkDir] })) as ValidateModule;
  const engines = new Map<string, Engine>();
  /** aws-cdk-lib frees its engine before building the next one: the shared engine outlives that. */
  function SharedEngine(config?: object): Engine {
    const key = JSON.stringify(config ?? {});
    let engine = engines.get(key);
    if (engine === undefined) engines.set(key, engine = new original.CompositeEngine(ownRealm(config) as object | undefined));
    return new Proxy(engine, {
      get: (target, prop) => {
        if (prop === 'free') return () => undefined;
        const value: unknown = Reflect.get(target, prop, target);
        // Options come from the test file's realm, whose objects the engine's "plain object" check refuses.
        return typeof value === 'function' ? (...args: unknown[]) => value.apply(target, args.map(ownRealm)) : value;
      },
    });
  }
  shared = { ...original, CompositeEngine: SharedEngine as unknown as EngineClass, TemplateContent: recordingTemplateContent(original.TemplateContent) };
  return shared;
}

/**
 * With CDK_SAFE_EKS_TEMPLATE_DUMP=<dir> (CI sets it), every template aws-cdk-lib validates is also
 * written there once (named by its hash), so cfn-lint runs over every template the tests synthesize.
 */
function recordingTemplateContent(original: unknown): unknown {
  const dump = process.env.CDK_SAFE_EKS_TEMPLATE_DUMP;
  if (dump === undefined || dump === '') return original;
  fs.mkdirSync(dump, { recursive: true });
  return new Proxy(original as new (...args: unknown[]) => object, {
    construct: (target, args: unknown[]) => {
      if (typeof args[0] === 'string' && !args[0].includes(`"${CFN_LINT_EXEMPT}"`)) {
        // Named by stack (the template's file name) and content, so each distinct template is linted once.
        const stack = typeof args[1] === 'string' ? path.basename(args[1]).replace(/\.template\.json$/, '') : 'template';
        const file = path.join(dump, `${stack}-${createHash('sha256').update(args[0]).digest('hex').slice(0, 16)}.template.json`);
        if (!fs.existsSync(file)) fs.writeFileSync(file, args[0]);
      }
      return Reflect.construct(target, args) as object;
    },
  });
}

/**
 * A plain object or array of another realm (a test file's context), rebuilt as this realm's: the engine
 * refuses objects whose prototype is not this realm's Object.prototype. Class instances (the engine's
 * own TemplateContent, made from this module) pass unchanged.
 */
function ownRealm(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  const plain = proto === null || (proto as { constructor?: { name?: string } }).constructor?.name === 'Object';
  if (!plain && !Array.isArray(value)) return value;
  return JSON.parse(JSON.stringify(value));
}

export default class SharedValidationEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    this.global[SHARED_VALIDATE_GLOBAL] = sharedValidateModule();
  }
}
