// Qdrant's JavaScript client (@qdrant/js-client-rest) deleting points as its docs show:
// client.delete(collection, { wait: true, points: [...] }). "one": every id in one call (the docs put no cap on a
// call; the server's max_request_size_mb does); "chunks": 1,000 ids a call, each awaited before the next.
// usage: node qdrant-delete.mjs URL COLLECTION IDS_FILE one|chunks
import { QdrantClient } from '@qdrant/js-client-rest';
import { chunks, readIds, report, runCalls } from './common.mjs';

const [url, collection, idsFile, mode] = process.argv.slice(2);
const ids = readIds(idsFile);
const started = process.hrtime.bigint();
const client = new QdrantClient({ url, checkCompatibility: false });
const batches = mode === 'one' ? [ids] : chunks(ids, 1000);
const result = await runCalls(batches.map((batch) => () => client.delete(collection, { wait: true, points: batch })), 1);
report(started, result, { client: '@qdrant/js-client-rest', mode });
