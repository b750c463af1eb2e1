import { LiveError } from './errors';

/**
 * How every AWS call of the live commands is made: with its IAM action named, throttling retried
 * with backoff (the SDK's own retries are off, so one policy applies and tests see it), and the
 * errors a user can act on turned into `LiveError`s (exit 2) that name what to fix.
 */
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled']);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess']);
/** Attempts of a throttled call, the first included. */
export const MAX_ATTEMPTS = 5;

export interface CallOptions {
  /** Waits between attempts; tests pass one that does not wait. */
  readonly sleep: (ms: number) => Promise<void>;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `send` as the IAM action `action` on `what` (a stack, a cluster), retrying throttling. */
export async function call<T>(action: string, what: string, send: () => Promise<T>, options: CallOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (e) {
      const name = errorName(e);
      if (THROTTLING.has(name) && attempt < MAX_ATTEMPTS) {
        await options.sleep(Math.min(20_000, 200 * 2 ** attempt));
        continue;
      }
      throw explain(e, name, action, what);
    }
  }
}

/** Calls a paginated action until it returns no next token, and joins the pages' lists. */
export async function paginate<P, T>(
  action: string, what: string, page: (token: string | undefined) => Promise<P>, items: (page: P) => T[] | undefined,
  next: (page: P) => string | undefined, options: CallOptions,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const answer = await call(action, what, () => page(token), options);
    all.push(...items(answer) ?? []);
    token = next(answer);
  } while (token !== undefined && token !== '');
  return all;
}

function explain(e: unknown, name: string, action: string, what: string): Error {
  // The message shape adds its own full stop after the value received.
  const message = (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
  if (ACCESS_DENIED.has(name)) {
    // A call can be denied for another action it needs (CreateChangeSet for iam:PassRole of its RoleARN): IAM names it.
    const denied = /not authorized to perform: ([\w-]+:\w+)/.exec(message)?.[1] ?? action;
    return new LiveError(what, 'LiveAccessDenied', `AccessDenied: the credentials may not call ${denied}.`, message,
      `allow ${denied} to the role (each command's policy is in docs/live.md#permissions)`);
  }
  if (name === 'ValidationError' && /does not exist/.test(message)) {
    return new LiveError(what, 'LiveNotFound', 'the stack does not exist in this account and region.', message,
      'deploy it first, or point the credentials (AWS_PROFILE, AWS_REGION) at the account the assembly names');
  }
  if (name === 'ResourceNotFoundException') {
    return new LiveError(what, 'LiveNotFound', `not found by ${action}.`, message, 'deploy it first, or check the account and region');
  }
  if (THROTTLING.has(name)) {
    return new LiveError(what, 'LiveThrottled', `${action} was throttled ${MAX_ATTEMPTS} times.`, message, 'run the command again later');
  }
  if (name === 'CredentialsProviderError' || name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return new LiveError(what, 'LiveCredentials', `no usable AWS credentials for ${action}.`, message,
      'sign in (aws sso login, AWS_PROFILE), or pass a snapshot directory to work offline');
  }
  return e instanceof Error ? e : new Error(message);
}

function errorName(e: unknown): string {
  if (typeof e !== 'object' || e === null) return '';
  const named = e as { name?: unknown; Code?: unknown; code?: unknown };
  return [named.name, named.Code, named.code].find((v): v is string => typeof v === 'string' && v !== 'Error') ?? '';
}
