// The unit that flows from normalize/ to loaders/. A point's identity is (measurement, tags, time):
// InfluxDB overwrites a point with the same identity, which is what makes reloads idempotent.
export type FieldValue = number | string | boolean;

export interface DataPoint {
  measurement: string;
  /**
   * Identity only (system_id, serial, …); never a measured value. Never mutated once a point is
   * made: the normalizers share one tags object across a series, and toLineProtocol caches the
   * escaped tag set per tags object.
   */
  tags: Readonly<Record<string, string>>;
  /** Measured values; the field's type (int/float/string/bool) comes from normalize/schema.ts. */
  fields: Readonly<Record<string, FieldValue>>;
  /** Epoch seconds: the interval's start (DESIGN §3). Written with precision `s`. */
  time: number;
}
