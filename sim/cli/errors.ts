import { InputError } from '../input-error.js';

/** A command-line usage error (unknown option, missing argument, bad option value): exit 2. */
export class UsageError extends InputError {
  override readonly name = 'UsageError';
}

/** Exit statuses of swarmsim (README and docs/cluster.md document them). */
export const EXIT = {
  ok: 0,
  /** An unexpected error (a bug): message on stderr, stack with SWARMSIM_DEBUG=1. */
  unexpected: 1,
  /** A user error: bad input, bad option, unknown policy, unreadable file. Nothing is written. */
  usage: 2,
  /** run/sweep finished but some runs failed (listed in failures.csv). */
  someRunsFailed: 3,
} as const;

const USER_ERROR_NAMES = new Set(['InputError', 'UsageError', 'PolicySpecError', 'PolicyModuleError', 'YError']);

/** A user error: the message alone says what to fix, so no stack trace. */
export function isUserError(e: unknown): boolean {
  if (e instanceof InputError) return true;
  const name = (e as { name?: string } | null)?.name;
  if (name && USER_ERROR_NAMES.has(name)) return true;
  const ctor = (e as { constructor?: { name?: string } } | null)?.constructor?.name;
  return ctor !== undefined && USER_ERROR_NAMES.has(ctor);
}

/** One line: newlines folded, trailing punctuation kept. */
export function oneLine(msg: string): string {
  return msg
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join(' ');
}
