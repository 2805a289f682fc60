/** The SDK's name and version, sent as `context.library` on every event. Kept in step with package.json by a test. */
export const LIBRARY = Object.freeze({ name: 'rudderanalytics', version: '0.1.0' });
