/**
 * How a write key may be shown, and how text is cleaned of keys: the SDK's one rule (its `redact`
 * module), for the data plane's banner and every byte the `rudder` CLI prints. Nothing behind it loads
 * SQLite, so the CLI can import it alone (`@rudderanalytics/dataplane/mask`).
 */
export { maskKey, redactor } from 'rudderanalytics/internal';
