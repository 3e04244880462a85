// Pinecone's TypeScript SDK (@pinecone-database/pinecone 9.0.0) deleting ids as its docs show: index.deleteMany
// with at most 1,000 ids a call (the service's cap; the SDK does not split), each call awaited before the next
// ("sequential"), or 8 calls in flight ("inflight8"). The SDK does not retry a delete: a 429 is a failed call.
// usage: node pinecone-delete.mjs HOST API_KEY NAMESPACE IDS_FILE sequential|inflight8
import { Pinecone } from '@pinecone-database/pinecone';
import { chunks, readIds, report, runCalls } from './common.mjs';

const [host, apiKey, namespace, idsFile, mode] = process.argv.slice(2);
const ids = readIds(idsFile);
// SDK 9.0.0 sends X-Pinecone-Api-Version 2026-07; the emulator serves the versions of the documents in
// ../shared/specs (2026-04, 2025-10), whose delete request is the same. The header is rewritten, nothing else.
const fetchApi = (url, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('X-Pinecone-Api-Version', '2026-04');
  return fetch(url, { ...init, headers });
};
const started = process.hrtime.bigint();
const pc = new Pinecone({ apiKey, fetchApi });
const index = pc.index({ host, namespace });
const calls = chunks(ids, 1000).map((batch) => () => index.deleteMany({ ids: batch }));
const result = await runCalls(calls, mode === 'inflight8' ? 8 : 1);
report(started, result, { client: '@pinecone-database/pinecone', mode });
