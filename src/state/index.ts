// Service state in Redis: watermarks, unavailable datasets, last errors (keys in keys.ts).
export { createKeys, type RedisKeys } from './keys.js';
export { LastErrorStore, type LastError } from './last-errors.js';
export { readSystemStates, type SystemState } from './system-states.js';
export { isStillUnavailable, UnavailableStore, type Unavailability } from './unavailable.js';
export { settledWatermark, syncStart, WatermarkStore, type SystemWatermarks } from './watermarks.js';
