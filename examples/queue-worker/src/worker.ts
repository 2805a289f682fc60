/**
 * A queue worker: takes jobs from a Redis list, does the work, and reports it to RudderStack through a
 * client whose events wait in the Redis store (rudderanalytics/redis). A job counts as done once its
 * event is durable in Redis, so a crash (kill -9, OOM, a deploy) or a data plane outage loses nothing:
 * the next start with the same WORKER_NAME takes its undelivered events back and delivers them.
 */
import { Redis } from 'ioredis';
import { RudderAnalytics } from 'rudderanalytics';
import { RedisStore } from 'rudderanalytics/redis';

interface WelcomeJob {
  id: string;
  userId: string;
  email: string;
}

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const queue = process.env.JOB_QUEUE ?? 'jobs:welcome-email';
// A stable name (the pod's, the host's) lets a restarted worker take back its own events at once.
const workerName = process.env.WORKER_NAME ?? 'welcome-worker-1';

// BRPOP blocks its connection: the jobs get their own, the store the other.
const jobs = new Redis(redisUrl);
const store = new RedisStore({ redis: redisUrl, consumer: workerName });
const analytics = RudderAnalytics.load(
  process.env.RUDDER_WRITE_KEY ?? 'dev_rudderanalytics_local',
  process.env.RUDDER_DATA_PLANE_URL ?? 'http://127.0.0.1:8080',
  { storage: store },
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: finishing the current job`);
    stopping = true;
  });
}

async function sendWelcomeEmail(job: WelcomeJob): Promise<void> {
  // The real work goes here (an email provider's API).
  void job;
}

console.log(`${workerName} waiting for jobs on ${queue}`);
while (!stopping) {
  // A short block, so a shutdown signal is noticed within a second.
  const popped = await jobs.brpop(queue, 1);
  if (!popped) continue;
  const job = JSON.parse(popped[1]) as WelcomeJob;
  await sendWelcomeEmail(job);
  analytics.track({ userId: job.userId, event: 'Welcome Email Sent', properties: { job_id: job.id, email: job.email } });
  // Durable in Redis from here on, delivered or not.
  await store.flush();
  console.log(`done ${job.id}`);
}

await analytics.close({ timeoutMs: 10_000 });
jobs.disconnect();
const { delivered, failed, dropped } = analytics.stats();
console.log(`closed: ${delivered} delivered, ${failed} failed, ${dropped} dropped`);
