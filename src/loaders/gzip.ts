// Request bodies above the threshold are gzipped, off the main thread (zlib runs in libuv's pool).
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

export interface EncodedBody {
  body: Buffer;
  /** 'gzip' when compressed. */
  encoding?: 'gzip';
}

/** The body, gzipped (level 1: fast; line protocol compresses well anyway) above `thresholdBytes`. */
export async function encodeBody(raw: Buffer, thresholdBytes: number): Promise<EncodedBody> {
  if (raw.length <= thresholdBytes) return { body: raw };
  return { body: await gzipAsync(raw, { level: 1 }), encoding: 'gzip' };
}
