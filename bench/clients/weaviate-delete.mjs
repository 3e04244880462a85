// weaviate-client 3.x. Its v3 API deletes with collection.data.deleteMany(where), which travels over gRPC
// (weaviate.v1.Weaviate/BatchDelete): the emulator serves the REST document (../shared/specs), so that call cannot
// reach it. The same package's REST client (weaviateV2: client.batch.objectsBatchDeleter(), Weaviate's documented
// batch delete, DELETE /v1/batch/objects) is used instead, with the where on id, `chunk` ids a call (at most
// results.limit, 10,000, are deleted a call), each call awaited before the next.
// usage: node weaviate-delete.mjs URL CLASS IDS_FILE CHUNK
import { weaviateV2 } from 'weaviate-client';
import { chunks, readIds, report } from './common.mjs';

const [url, className, idsFile, chunkText] = process.argv.slice(2);
const ids = readIds(idsFile);
const size = Number(chunkText || 10000);
const started = process.hrtime.bigint();
const u = new URL(url);
const client = weaviateV2.client({ scheme: u.protocol.replace(':', ''), host: u.host });
const result = { requests: 0, ok: 0, failed: 0, status429: 0, firstError: null, objectsFailed: 0, successful: 0 };
for (const batch of chunks(ids, size)) {
  result.requests++;
  try {
    const answer = await client.batch.objectsBatchDeleter()
      .withClassName(className)
      .withWhere({ path: ['id'], operator: 'ContainsAny', valueTextArray: batch })
      .withOutput('minimal')
      .do();
    result.ok++;
    result.successful += answer?.results?.successful ?? 0;
    result.objectsFailed += answer?.results?.failed ?? 0;
  } catch (e) {
    result.failed++;
    if (/\b429\b/.test(String(e?.message ?? e))) result.status429++;
    result.firstError ??= String(e?.message ?? e).slice(0, 200);
  }
}
report(started, result, { client: 'weaviate-client (weaviateV2 REST batch delete)', chunk: size });
