// Errors a user caused (bad query, bad option, bad corpus path): shown as friendly replies, never as stack traces.

export type UserErrorCode =
  | 'EMPTY_QUERY'
  | 'BAD_OPTION'
  | 'NO_CORPUS'
  | 'UNKNOWN_SOURCE'
  | 'RATE_LIMITED'
  | 'EXPIRED'
  | 'FORBIDDEN'
  /** A filter in the query (author:, since:, until:, source:, min-score:) is malformed. */
  | 'BAD_FILTER'
  /** author: names nobody in the corpus. */
  | 'UNKNOWN_AUTHOR'
  /** A filter on a field the corpus does not record at all (author: on a corpus without authors). */
  | 'UNRECORDED_FIELD'
  /** The corpus asked for is still being opened (its first use, or a restart of its engine thread): ask again shortly. */
  | 'LOADING';

export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
