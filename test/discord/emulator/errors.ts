import type { FormProblem } from './validation.js';

/** A refusal in Discord's own words: the HTTP status and the JSON error body `{code, message}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
  }

  get body(): { code: number; message: string; errors?: Record<string, unknown> } {
    return this.errors === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, errors: this.errors };
  }

  /** 50035 with Discord's nested `errors` object, which @discordjs/rest flattens into its error message. */
  static invalidForm(problems: FormProblem[], prefix: Array<string | number> = []): ApiError {
    const errors: Record<string, unknown> = {};
    for (const problem of problems) {
      let node = errors;
      for (const key of [...prefix, ...problem.path]) node = (node[key] ??= {}) as Record<string, unknown>;
      const list = (node._errors ??= []) as Array<{ code: string; message: string }>;
      list.push({ code: problem.code, message: problem.message });
    }
    return new ApiError(400, 50035, 'Invalid Form Body', errors);
  }
}

export const unknownRoute = (): ApiError => new ApiError(404, 0, '404: Not Found');
export const unauthorized = (): ApiError => new ApiError(401, 0, '401: Unauthorized');
export const unknownChannel = (): ApiError => new ApiError(404, 10003, 'Unknown Channel');
export const unknownMessage = (): ApiError => new ApiError(404, 10008, 'Unknown Message');
export const unknownWebhook = (): ApiError => new ApiError(404, 10015, 'Unknown Webhook');
export const unknownInteraction = (): ApiError => new ApiError(404, 10062, 'Unknown interaction');
export const unknownCommand = (): ApiError => new ApiError(404, 10063, 'Unknown application command');
export const emptyMessage = (): ApiError => new ApiError(400, 50006, 'Cannot send an empty message');
export const invalidWebhookToken = (): ApiError => new ApiError(401, 50027, 'Invalid Webhook Token');
export const alreadyAcknowledged = (): ApiError => new ApiError(400, 40060, 'Interaction has already been acknowledged.');
export const pinLimitReached = (): ApiError => new ApiError(400, 30003, 'Maximum number of pins reached (250)');
export const cannotEditOthersMessage = (): ApiError => new ApiError(403, 50005, 'Cannot edit a message authored by another user');
export const missingAccess = (): ApiError => new ApiError(403, 50001, 'Missing Access');
export const invalidJson = (): ApiError => new ApiError(400, 50109, 'The request body contains invalid JSON.');
