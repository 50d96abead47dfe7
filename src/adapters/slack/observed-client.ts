import type { WebClient } from '@slack/web-api';

/**
 * Reports every failed Web API call, by method and Slack's `error` field (or the SDK's error code), to `onError`.
 * Every method of a WebClient (`chat.postMessage`, …) goes through `apiCall`, so wrapping it covers them all.
 */
export function observeSlackErrors(client: WebClient, onError: (method: string, error: string) => void): WebClient {
  const original = client.apiCall.bind(client);
  client.apiCall = async (method, options) => {
    try {
      return await original(method, options);
    } catch (error) {
      onError(method, slackErrorName(error));
      throw error;
    }
  };
  return client;
}

function slackErrorName(error: unknown): string {
  const value = error as { code?: string; data?: { error?: string } };
  if (value.data?.error) return value.data.error;
  if (value.code === 'slack_webapi_rate_limited_error') return 'rate_limited';
  if (value.code === 'slack_webapi_http_error') return 'http_error';
  if (value.code === 'slack_webapi_request_error') return 'request_error';
  return 'unknown';
}
