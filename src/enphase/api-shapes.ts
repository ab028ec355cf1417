// Request and response types of each endpoint, derived from the generated `paths`/`operations`
// (api-types.ts), so a call's parameters and its answer are checked against the OpenAPI file.
import type { paths } from './api-types.js';

export type HttpMethod = 'get' | 'post';

/** Path templates that have an operation for `M`. */
export type PathsWith<M extends HttpMethod> = {
  [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never;
}[keyof paths];

export type Operation<P extends keyof paths, M extends HttpMethod> = NonNullable<paths[P][M]>;

/** The 200 JSON body of an operation. */
export type ResponseBody<P extends keyof paths, M extends HttpMethod = 'get'> =
  Operation<P, M> extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : unknown;

type ParamsOf<Op> = Op extends { parameters: infer Params } ? Params : never;
export type PathParams<Op> = NonNullable<ParamsOf<Op> extends { path?: infer X } ? X : never>;
export type QueryParams<Op> = NonNullable<ParamsOf<Op> extends { query?: infer X } ? X : never>;
export type RequestBody<Op> = Op extends { requestBody?: { content: { 'application/json': infer B } } }
  ? B
  : never;

/** `pathParams` is required exactly when the template has parameters. */
export type RequestOptions<Op> = ([PathParams<Op>] extends [never]
  ? { pathParams?: undefined }
  : { pathParams: PathParams<Op> }) & {
  query?: [QueryParams<Op>] extends [never] ? undefined : QueryParams<Op>;
  body?: RequestBody<Op>;
};

export type SystemListItem = NonNullable<ResponseBody<'/api/v4/systems'>['systems']>[number];
export type SystemSearchFilter = RequestBody<Operation<'/api/v4/systems/search', 'post'>>['system'];
export type SystemSearchItem = NonNullable<ResponseBody<'/api/v4/systems/search', 'post'>['systems']>[number];
