/** An error answered to the client in the wire format of the protocol that raised it. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const missingParameter = (name: string) => new ApiError('MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);

export const invalidParameter = (name: string, why: string) => new ApiError(`InvalidParameter`, `The specified parameter "${name}" is not valid: ${why}`);
