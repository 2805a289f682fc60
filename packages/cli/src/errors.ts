/** Exit codes, and the one error class that maps to "you called me wrong". */

export const EXIT_OK = 0;
/** Something was not delivered, or was invalid. */
export const EXIT_FAILED = 1;
/** Bad command line: unknown command or flag, a flag value of the wrong shape, an unreadable file. */
export const EXIT_USAGE = 2;
/** Interrupted by Ctrl-C before the work was done. */
export const EXIT_INTERRUPTED = 130;

/** A mistake in the command line; printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Invalid event input (a ValidationError from the SDK, or JSON that does not parse): exit code 1. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
