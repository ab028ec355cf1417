// OAuth state of the simulated Enphase authorization server: authorization codes, access tokens
// and refresh tokens, all opaque strings, all expiring on the simulated clock.
import { SALT, hash32 } from './model/hash.js';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export interface TokenStoreOptions {
  seed: number;
  now: () => number;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
}

/** Authorization codes are single-use and short-lived, as with the real server. */
const CODE_TTL_MS = 10 * 60_000;

export class TokenStore {
  private counter = 0;
  private readonly access = new Map<string, number>(); // token → expires at (ms)
  private readonly refresh = new Map<string, number>(); // live refresh token → expires at (ms)
  private readonly codes = new Map<string, number>(); // unused code → expires at (ms)

  constructor(private readonly options: TokenStoreOptions) {}

  private next(prefix: string): string {
    this.counter += 1;
    const a = hash32(this.options.seed, SALT.token, this.counter).toString(36);
    const b = hash32(this.options.seed, SALT.token, this.counter, 1).toString(36);
    return `${prefix}.${this.counter.toString(36)}.${a}${b}`;
  }

  issuePair(): TokenPair {
    const now = this.options.now();
    const access_token = this.next('sim-at');
    const refresh_token = this.next('sim-rt');
    this.access.set(access_token, now + this.options.accessTokenTtlSec * 1000);
    this.refresh.set(refresh_token, now + this.options.refreshTokenTtlSec * 1000);
    return { access_token, refresh_token, expires_in: this.options.accessTokenTtlSec };
  }

  issueCode(): string {
    const code = this.next('sim-code').replace(/\./g, '');
    this.codes.set(code, this.options.now() + CODE_TTL_MS);
    return code;
  }

  /** Exchanges a code once; undefined if unknown, used or expired. */
  exchangeCode(code: string): TokenPair | undefined {
    const expiresAt = this.codes.get(code);
    this.codes.delete(code);
    if (expiresAt === undefined || expiresAt <= this.options.now()) return undefined;
    return this.issuePair();
  }

  /**
   * Rotates a refresh token: the old one stops working at once, the new pair is returned. Access
   * tokens issued before stay valid until they expire, as with the real server.
   */
  rotate(refreshToken: string): TokenPair | undefined {
    const expiresAt = this.refresh.get(refreshToken);
    this.refresh.delete(refreshToken);
    if (expiresAt === undefined || expiresAt <= this.options.now()) return undefined;
    return this.issuePair();
  }

  isValidAccessToken(token: string): boolean {
    const expiresAt = this.access.get(token);
    return expiresAt !== undefined && expiresAt > this.options.now();
  }
}
