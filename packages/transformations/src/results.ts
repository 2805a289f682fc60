import { randomUUID } from 'node:crypto';
import { STATUS_FAILED, STATUS_FILTERED, STATUS_OK } from './hosted.js';
import type { EventMetadata, RudderMessage, TransformationResult, TransformedEvent } from './types.js';

export interface CallInput {
  message: RudderMessage;
  metadata: EventMetadata;
}

const isEmpty = (o: EventMetadata | undefined): boolean => !o || Object.keys(o).length === 0;

/**
 * The processor-facing results of one call, by the rules of rudderlabs/rudder-transformer
 * @ c98d160cfaddc5fe5ddee7891c4f4a23014b9aa8 src/services/userTransform.ts `transformRoutine` (with the
 * filter feature on, as rudder-server asks for it): an event none of whose messageIds reaches the
 * output is reported dropped (298, listed first); an error is a 400 with the event's metadata (or the
 * call's common metadata when it has none); an output whose metadata lacks a messageId gets the first
 * event's metadata with a new messageId and its own event name and type.
 */
export function toResults(inputs: CallInput[], transformed: TransformedEvent[]): TransformationResult[] {
  const first = inputs[0]?.metadata ?? {};
  const messageIds = inputs.map((i) => i.metadata.messageId as string);
  const common: EventMetadata = {
    sourceId: first.sourceId,
    destinationId: first.destinationId,
    destinationType: first.destinationType,
    workspaceId: first.workspaceId,
    transformationId: first.transformationId,
    messageIds,
  };
  const seen = new Set<string>();
  const produced: TransformationResult[] = [];
  for (const ev of transformed) {
    const md = ev.metadata;
    if (md?.messageId) seen.add(md.messageId as string);
    else if (Array.isArray(md?.messageIds)) for (const id of md.messageIds) seen.add(id as string);
    else if ('error' in ev) for (const id of messageIds) seen.add(id);
    if ('error' in ev) {
      produced.push({ statusCode: STATUS_FAILED, error: ev.error, metadata: isEmpty(md) ? common : md });
      continue;
    }
    const out = ev.transformedEvent;
    const metadata = isEmpty(md) || !md.messageId ? { ...first, messageId: randomUUID(), eventName: out.event, eventType: out.type } : md;
    produced.push({ output: out, metadata, statusCode: STATUS_OK });
  }
  const dropped: TransformationResult[] = [];
  for (const input of inputs) {
    const id = input.metadata.messageId as string;
    if (seen.has(id)) continue;
    seen.add(id);
    dropped.push({
      statusCode: STATUS_FILTERED,
      metadata: { ...(isEmpty(input.metadata) ? common : input.metadata), messageId: id, messageIds: null },
    });
  }
  return [...dropped, ...produced];
}

/** A call that failed as a whole fails every one of its events with the same text (transformRoutine's catch). */
export function failAll(inputs: CallInput[], error: string): TransformationResult[] {
  return inputs.map((i) => ({ statusCode: STATUS_FAILED, metadata: i.metadata, error }));
}
