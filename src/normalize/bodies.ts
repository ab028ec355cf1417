// The parsed 200 body of an operation, from the types generated from the OpenAPI file. The EV
// charger operations are declared `application/octet-stream` in the spec but carry JSON, so the
// body is whatever the one 200 content type declares.
import type { operations } from '../enphase/api-types.js';

type OkContent<Op extends keyof operations> = operations[Op]['responses'] extends {
  200: { content: infer C };
}
  ? C
  : never;

export type ResponseBody<Op extends keyof operations> = OkContent<Op>[keyof OkContent<Op>];
