/**
 * What `rudder dev` prints for pasting into an app: the server SDK and the browser SDK, both pointed at the
 * running data plane. The browser SDK also fetches its source config from it (`configUrl`), which the data
 * plane answers the way the control plane would. The browser import is the SDK's bundled build: its default
 * build loads its plugins (the XHR queue among them) from RudderStack's CDN, so offline it stores nothing.
 */
export function sdkSnippets(url: string, writeKey: string | undefined): string {
  // Only the public dev key is ever printed; a configured key stays a placeholder.
  const key = JSON.stringify(writeKey ?? '<your write key>');
  const at = JSON.stringify(url);
  return `
Server (rudderanalytics):
  import { RudderAnalytics } from 'rudderanalytics';
  const analytics = RudderAnalytics.load(${key}, ${at});

Browser (@rudderstack/analytics-js 3.x, its bundled build: no plugins from a CDN):
  import { RudderAnalytics } from '@rudderstack/analytics-js/bundled';
  const analytics = new RudderAnalytics();
  analytics.load(${key}, ${at}, { configUrl: ${at} });
`;
}
