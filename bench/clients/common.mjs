// Shared by the client scripts: read the ids, time the run, print one JSON line for the bench.
import { readFileSync } from 'node:fs';

export function readIds(file) {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
}

export function chunks(ids, size) {
  const out = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** HTTP status of an error thrown by a client, when it carries one. */
export function statusOf(e) {
  if (!e) return undefined;
  for (const k of ['status', 'statusCode', 'code']) if (typeof e[k] === 'number') return e[k];
  if (e.response && typeof e.response.status === 'number') return e.response.status;
  if (e.cause) return statusOf(e.cause);
  const m = /\b(4\d\d|5\d\d)\b/.exec(String(e.message ?? e));
  return m ? Number(m[1]) : undefined;
}

/** Runs the calls (functions returning promises) `inFlight` at a time; a failure is counted, never retried. */
export async function runCalls(calls, inFlight) {
  const result = { requests: 0, ok: 0, failed: 0, status429: 0, firstError: null };
  let next = 0;
  async function worker() {
    while (next < calls.length) {
      const call = calls[next++];
      result.requests++;
      try {
        await call();
        result.ok++;
      } catch (e) {
        result.failed++;
        if (statusOf(e) === 429) result.status429++;
        result.firstError ??= String(e?.message ?? e).slice(0, 200);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, inFlight) }, worker));
  return result;
}

export function report(started, result, extra = {}) {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ ms, ...result, ...extra }) + '\n');
}
