/**
 * A user error: bad file, bad value, unknown name. The CLI prints its message as one line on
 * stderr and exits with status 2, without a stack trace.
 */
export class InputError extends Error {
  override readonly name: string = 'InputError';
}
