/**
 * What `GET /version` and `GET /robots.txt` answer: rudder-server's gateway serves both (its runner's
 * version handler and the gateway's robots handler); a client or a health check that probes them gets the
 * same shapes here, with this package's own version strings.
 */

/** This package's version. Kept in step with package.json by a test. */
export const DATAPLANE_VERSION = '0.1.0';

/**
 * The `/version` body: rudder-server's five fields, its keys in the order Go's encoder writes a map
 * (sorted). `Features` lists what the ingest side implements in the gateway's own vocabulary:
 * `gzip-req-payload` = it inflates `Content-Encoding: gzip` request bodies.
 */
export function versionJson(): string {
  return JSON.stringify({
    BuildDate: '',
    BuiltBy: '@rudderanalytics/dataplane',
    Commit: '',
    Features: ['gzip-req-payload'],
    Version: DATAPLANE_VERSION,
  });
}

/** The `/robots.txt` body, byte for byte the gateway's: every crawler kept off every path. */
export const ROBOTS_TXT = 'User-agent: * \nDisallow: / \n';
