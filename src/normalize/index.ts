// What normalize/ offers the rest of the pipeline: the errors a refused body throws, the event
// type labels, the line-protocol serializer and the point type. The normalizers themselves are
// reached through the dataset descriptors (src/datasets/), which pair each endpoint with its
// normalizer; src/datasets/normalizers.ts has the table by operationId.
import type { NormalizeContext } from './body-readers.js';
import type { DataPoint } from './point.js';

export type Normalizer = (body: never, ctx: NormalizeContext) => DataPoint[];

export { IdentityMismatchError, NormalizeError, type NormalizeContext } from './body-readers.js';
export { eventTypeLabels } from './events.js';
export { toLineProtocol, toLineProtocolBatch, LineProtocolError } from './line-protocol.js';
export type { DataPoint } from './point.js';
