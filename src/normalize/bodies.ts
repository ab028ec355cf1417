// The parsed 200 body of an operation, from the types generated from the OpenAPI file. The EV
// charger operations are declared `application/octet-stream` in the spec but carry JSON, so the
// body is whatever the one 200 content type declares.
//
// The spec marks almost nothing nullable, yet the real API sends `null` inside intervals (and
// DESIGN §3 tolerates it): normalizers accept the generated shape with null allowed anywhere.
import type { operations } from '../enphase/api-types.js';

type OkContent<Op extends keyof operations> = operations[Op]['responses'] extends {
  200: { content: infer C };
}
  ? C
  : never;

/** `T` with `null` accepted at every level (arrays, their items, object properties). */
export type Nullable<T> = T extends readonly (infer U)[]
  ? readonly Nullable<U>[] | null
  : T extends object
    ? { [K in keyof T]?: Nullable<T[K]> | null }
    : T | null;

export type ResponseBody<Op extends keyof operations> = Nullable<OkContent<Op>[keyof OkContent<Op>]>;
