// The error bodies of the OpenAPI file, one builder each, so every route answers alike.
import type { FastifyReply } from 'fastify';

export interface ErrorBody {
  message: string;
  details: string;
  code: number;
}

export function notAuthorized(details = 'User is not authorized'): ErrorBody {
  return { message: 'Not Authorized', details, code: 401 };
}

export function notFound(details: string): ErrorBody {
  return { message: 'Not Found', details, code: 404 };
}

export function unprocessable(details: string): ErrorBody {
  return { message: 'Unprocessable Entity', details, code: 422 };
}

export function sendError(reply: FastifyReply, body: ErrorBody): FastifyReply {
  return reply.code(body.code).type('application/json').send(body);
}

/**
 * The 401 body of a route: the spec gives live_data and the EV charger routes bodies of their own
 * (live_data: an `error` object with a status word; EV charger: `code` as a string).
 */
export function unauthorizedFor(route: string, details: string, nowMs: number, missingKey: boolean): unknown {
  if (route === '/api/v4/systems/{system_id}/live_data') {
    return {
      error: {
        code: 401,
        details: [{}],
        message: missingKey ? 'API Key is missing' : details,
        status: missingKey ? 'NOT_AUTHENTICATED' : 'UNAUTHORIZED',
      },
      timestamp_epoch: nowMs,
      timestamp_utc: new Date(nowMs).toISOString().replace('T', ' ').replace('Z', '000'),
      type: 'authentication_error',
    };
  }
  if (route.startsWith('/api/v4/systems/{system_id}/ev_charger/'))
    return { message: 'Not Authorized', code: '401', details };
  return notAuthorized(details);
}
