// Names that no other handle, test file or concurrent jest worker will pick.
import { randomBytes } from 'node:crypto';

let counter = 0;

/** A short lowercase id: [a-z0-9_] only, so it is valid in a Redis key and an InfluxQL identifier. */
export function uniqueId(): string {
  counter += 1;
  return `${process.pid.toString(36)}_${counter.toString(36)}_${randomBytes(3).toString('hex')}`;
}
