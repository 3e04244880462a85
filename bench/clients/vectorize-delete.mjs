// Cloudflare's TypeScript SDK (cloudflare 7.x) deleting Vectorize ids as its API reference shows:
// client.vectorize.indexes.deleteByIDs(index, { account_id, ids }), 100 ids a call (the service refuses more),
// each awaited before the next. baseURL points it at the emulator; the SDK's own retries (2 by default, on 429
// and 5xx, honouring Retry-After) are left as they are. usage: node vectorize-delete.mjs BASE_URL ACCOUNT INDEX TOKEN IDS_FILE
import Cloudflare from 'cloudflare';
import { chunks, readIds, report, runCalls } from './common.mjs';

const [baseURL, account, index, token, idsFile] = process.argv.slice(2);
const ids = readIds(idsFile);
const started = process.hrtime.bigint();
const client = new Cloudflare({ apiToken: token, baseURL });
const calls = chunks(ids, 100).map((batch) => () => client.vectorize.indexes.deleteByIDs(index, { account_id: account, ids: batch }));
const result = await runCalls(calls, 1);
report(started, result, { client: 'cloudflare' });
