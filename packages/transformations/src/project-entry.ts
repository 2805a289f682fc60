export { importsOf, loadProject, ProjectError, testDefinitions } from './project.js';
export type { Project, ProjectLibrary, ProjectTestSuite, ProjectTransformation, TestDefinition } from './project.js';
export { runProjectTests } from './project-tests.js';
export type { LibraryOutcome, ProjectOutcome, TestOutcome, TestStatus, TransformationOutcome } from './project-tests.js';
export { DEFAULT_EVENTS } from './default-events.js';
