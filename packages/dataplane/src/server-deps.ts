/**
 * What the request handlers share, built once by dataplane.ts: a module of its own so the routes
 * (gateway-routes.ts, read-routes.ts) and the server that dispatches to them need not import each other.
 */
import type { ServerResponse } from 'node:http';
import type { PlanValidator } from '@rudderanalytics/tracking-plan';
import type { EventHub } from './hub.js';
import type { DataPlaneLogger } from './logger.js';
import type { ReadGuard } from './read-guard.js';
import type { SourceRegistry } from './sources.js';
import type { EventStore } from './store.js';
import type { BrokenPlanSchema } from './tracking-plan.js';
import type { TransformationStage } from './transformation-stage.js';
import type { WarehouseStage } from './warehouse-stage.js';

/** What the request handlers share. */
export interface ServerDeps {
  registry: SourceRegistry;
  store: EventStore;
  hub: EventHub;
  maxRequestBytes: number;
  logger: DataPlaneLogger;
  streams: Set<ServerResponse>;
  /** With `--tracking-plan`: checks and annotates events before they are stored. */
  planValidator?: PlanValidator;
  /** With `--tracking-plan-lenient`: the schemas that do not compile, listed on the live page. */
  brokenSchemas?: BrokenPlanSchema[];
  guard: ReadGuard;
  /** With `--transformation`: the stage whose outcomes `GET /api/transformed` reads. */
  transformation?: TransformationStage;
  /** With `--warehouse`: the load stage, for `GET /api/warehouse` (set once it has started). */
  warehouse?: () => WarehouseStage | undefined;
}
