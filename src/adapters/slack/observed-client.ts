import { type WebAPICallResult, WebClient, type WebClientOptions } from '@slack/web-api';

type ErrorObserver = (method: string, error: string) => void;

/**
 * A WebClient that reports every failed Web API call, by method and Slack's `error` field (or the SDK's error code).
 * Every method (`chat.postMessage`, …) is bound to `apiCall` in WebClient's constructor, through the prototype, so
 * overriding it here covers them all; an instance-level patch would not.
 */
export class ObservedWebClient extends WebClient {
  readonly #onError: ErrorObserver;

  constructor(token: string, options: WebClientOptions, onError: ErrorObserver) {
    super(token, options);
    this.#onError = onError;
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    try {
      return await super.apiCall(method, options);
    } catch (error) {
      this.#onError(method, slackErrorName(error));
      throw error;
    }
  }
}

function slackErrorName(error: unknown): string {
  const value = error as { code?: string; data?: { error?: string } };
  if (value.data?.error) return value.data.error;
  if (value.code === 'slack_webapi_rate_limited_error') return 'rate_limited';
  if (value.code === 'slack_webapi_http_error') return 'http_error';
  if (value.code === 'slack_webapi_request_error') return 'request_error';
  return 'unknown';
}
