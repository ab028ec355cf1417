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
