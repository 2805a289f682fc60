import { readFileSync, writeFileSync } from 'node:fs';
import { loadPlan, generateClient } from './packages/tracking-plan/src/index.ts';
const D = 'node_modules/.cache/tgprobe';
for (const f of ['ruddertyper-node-typescript','typewriter-e2e-config-api-v1','typewriter-public-api']) {
  const doc = JSON.parse(readFileSync(`packages/tracking-plan/test/fixtures/typegen/${f}.json`,'utf8'));
  writeFileSync(`${D}/${f}.ts`, generateClient(loadPlan(doc.plan)));
}
const doc = JSON.parse(readFileSync(`packages/tracking-plan/test/fixtures/transformer-tracking-plan.json`,'utf8'));
writeFileSync(`${D}/transformer.ts`, generateClient(loadPlan(doc.plans.trackingPlan)));
