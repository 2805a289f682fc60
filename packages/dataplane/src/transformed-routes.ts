/**
 * `GET /api/transformed`: what the transformation stage made of stored events, next to
 * `GET /api/events` (which stays what was received, as received).
 *   ?ids=1,2,3          those events (at most 500)
 *   ?since=ID&limit=N   outcomes after a stored event id, oldest first (default 100, at most 1000)
 * Answers `{"enabled":bool,"transformation":{id,name},"position":N,"transformed":[…]}`; an event with an
 * id above `position` is still pending.
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from './http-answers.js';
import { QueryError } from './query.js';
import type { TransformationStage } from './transformation-stage.js';

const MAX_IDS = 500;
const MAX_LIMIT = 1000;

const intParam = (name: string, text: string | null, fallback: number, max: number): number => {
  if (text === null) return fallback;
  if (!/^\d+$/.test(text) || Number(text) > max) throw new QueryError(`${name} must be an integer from 0 to ${max}`);
  return Number(text);
};

export function handleTransformed(stage: TransformationStage | undefined, params: URLSearchParams, res: ServerResponse): void {
  if (!stage) return sendJson(res, 200, '{"enabled":false,"transformed":[]}');
  const idsText = params.get('ids');
  let records;
  if (idsText !== null) {
    const ids = idsText === '' ? [] : idsText.split(',');
    if (ids.length > MAX_IDS || ids.some((id) => !/^\d{1,15}$/.test(id))) {
      throw new QueryError(`ids must be up to ${MAX_IDS} comma-separated event ids`);
    }
    records = stage.records(ids.map(Number));
  } else {
    records = stage.recordsAfter(
      intParam('since', params.get('since'), 0, Number.MAX_SAFE_INTEGER),
      intParam('limit', params.get('limit'), 100, MAX_LIMIT) || 1,
    );
  }
  const t = stage.transformation;
  sendJson(res, 200, JSON.stringify({ enabled: true, transformation: { id: t.id, name: t.name }, position: stage.position, transformed: records }));
}
