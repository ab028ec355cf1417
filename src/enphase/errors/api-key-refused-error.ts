import { ConfigError } from '../../config/error.js';

/**
 * A 401 with a freshly renewed access token on a call every plan includes (the systems list, a
 * system's own record): the token is good (it was just issued), so the API key is the credential
 * refused. A configuration problem: the command line prints the message and exits 2.
 */
export class ApiKeyRefusedError extends ConfigError {
  override name = 'ApiKeyRefusedError';
  readonly status = 401;
  readonly endpoint: string;

  constructor(message: string, endpoint: string) {
    super(message);
    this.endpoint = endpoint;
  }
}
