/** An error the emulator answers with Twenty's error body (twenty-rest.md §8). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { statusCode: this.status, error: this.error, messages: [this.message], ...this.extra };
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, 'BadRequestException', message);
export const notFound = (message = 'Record not found'): HttpError => new HttpError(404, 'NotFoundException', message);

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_RE.test(value);
