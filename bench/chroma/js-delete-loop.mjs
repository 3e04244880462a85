// The way Chroma's own JavaScript client deletes a list of ids: chunks of the server's max_batch_size, each
// delete awaited before the next. Used by the bench's "chroma" case (bench/VectorOps.Bench/ChromaBench.cs).
//   node bench/chroma/js-delete-loop.mjs URL DATABASE COLLECTION IDS_FILE
// Prints one JSON line: ids, maxBatchSize, requests, ms (from creating the client to the last delete's answer).
import { readFile } from "node:fs/promises";

const [url, database, collection, idsFile] = process.argv.slice(2);
if (!idsFile) {
  console.error("usage: node js-delete-loop.mjs URL DATABASE COLLECTION IDS_FILE");
  process.exit(2);
}
const { ChromaClient } = await import(new URL("../../tools/node_modules/chromadb/dist/chromadb.mjs", import.meta.url));
const ids = (await readFile(idsFile, "utf8")).split("\n").filter((l) => l.length > 0);
const u = new URL(url);

const started = performance.now();
const client = new ChromaClient({ host: u.hostname, port: Number(u.port), ssl: u.protocol === "https:", tenant: "default_tenant", database });
const col = await client.getCollection({ name: collection });
const max = await client.getMaxBatchSize();
let requests = 0;
for (let i = 0; i < ids.length; i += max) {
  await col.delete({ ids: ids.slice(i, i + max) });
  requests++;
}
const ms = performance.now() - started;
console.log(JSON.stringify({ ids: ids.length, maxBatchSize: max, requests, ms }));
