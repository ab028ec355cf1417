// Content negotiation for operations whose 200 body the spec declares as something other than
// JSON (the EV charger GETs: `application/octet-stream`, holding JSON). Like a server that
// honours the spec, the simulator answers 406 when the request's Accept header allows none of the
// declared types, and labels a 200 with the declared type. Routes opt in with
// `declaredMediaType(template)` as their route options.
import type { FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { successMediaTypes } from '../enphase/media-types.js';
import { errorBody, sendError } from './error-bodies.js';

/** True when an Accept header (RFC 9110 §12.5.1) allows `type`; no header allows anything. */
export function acceptsMediaType(accept: string | undefined, type: string): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  const [major] = type.split('/');
  return accept.split(',').some((range) => {
    const [name = '', ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    if (q !== undefined && Number(q.slice(2)) === 0) return false;
    return name === '*/*' || name === `${major}/*` || name === type;
  });
}

/** Route options: 406 unless Accept allows the 200 type the spec declares; a 200 carries that type. */
export function declaredMediaType(template: string): RouteShorthandOptions {
  const types = successMediaTypes('GET', template);
  const type = types[0] ?? 'application/json';
  return {
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
      const accept = request.headers.accept;
      if (types.some((t) => acceptsMediaType(accept, t))) return;
      const details = `this operation answers ${types.join(', ')}; the Accept header allows only ${accept ?? ''}`;
      await sendError(reply, 406, errorBody(406, details));
    },
    onSend: async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (reply.statusCode === 200) void reply.header('content-type', type);
      return payload;
    },
  };
}
