#!/usr/bin/env node
// PGlite (PostgreSQL 18 + pgvector, WebAssembly) for the tests, behind a gate that lets one client connection talk to
// it at a time.
//
// Why: pglite-server (@electric-sql/pglite-socket) runs one query at a time, but it queues each protocol message on
// its own and only keeps other connections out while PGlite reports an open transaction. Two connections using the
// extended protocol at once can interleave (A.Parse, B.Parse, A.Bind): A's parameters get bound to B's statement,
// and a DELETE could run with another statement's ids. A real PostgreSQL never does this. The gate forwards one
// connection's messages until the server has answered every Sync/Query it sent with ReadyForQuery and is idle
// (status 'I'); while that connection has a transaction open ('T' or 'E') it keeps the gate. Others wait their turn.
//
// Usage: node tools/pglite-gated.js --port=PORT --db=DIR [--host=127.0.0.1] [--parent=PID]
// Starts pglite-server on a free loopback port of its own (its start line from ../shared/specs/README.md), then
// listens on --port and prints "listening on HOST:PORT". SIGTERM/SIGINT stop both (the caller stops this process by id).
'use strict';
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');

const args = Object.fromEntries(process.argv.slice(2).map(a => {
  const m = /^--([^=]+)=(.*)$/.exec(a);
  if (!m) { console.error(`unexpected argument ${a}: options are --name=value`); process.exit(2); }
  return [m[1], m[2]];
}));
const host = args.host || '127.0.0.1';
const port = Number(args.port);
if (!args.db || !Number.isInteger(port)) { console.error('usage: pglite-gated.js --port=PORT --db=DIR [--host=127.0.0.1]'); process.exit(2); }

let child = null;
function stop(code) {
  if (child && child.exitCode === null) child.kill('SIGTERM');
  process.exit(code);
}
process.on('SIGTERM', () => stop(143));
process.on('SIGINT', () => stop(130));
process.on('exit', () => { if (child && child.exitCode === null) child.kill('SIGKILL'); });
// --parent=PID: the test process that started this one. When it is gone (killed without a chance to stop us), stop.
if (args.parent) {
  const parent = Number(args.parent);
  setInterval(() => { try { process.kill(parent, 0); } catch (e) { if (e.code === 'ESRCH') stop(0); } }, 2000).unref();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// ---- the gate ---------------------------------------------------------------------------------------------------
const waiting = [];   // connections waiting for the gate, in order
let holder = null;    // the connection talking to the server now

function acquire(conn) {
  if (holder === conn || waiting.includes(conn)) return;
  if (holder === null) { holder = conn; conn.granted(); } else waiting.push(conn);
}
function release(conn) {
  const i = waiting.indexOf(conn);
  if (i >= 0) waiting.splice(i, 1);
  if (holder !== conn) return;
  holder = null;
  while (waiting.length > 0 && holder === null) {
    const next = waiting.shift();
    if (!next.closed) { holder = next; next.granted(); }
  }
}

// Splits a byte stream into whole protocol messages. Before the startup message is through, client messages have no
// type byte (length + body: SSLRequest, GSSENCRequest, CancelRequest, StartupMessage).
class Framer {
  constructor(untypedFirst) { this.parts = []; this.size = 0; this.need = 0; this.untyped = untypedFirst; }
  // Chunks are only joined once a whole message is there: a 25 MB Bind (a million ids) arrives in hundreds of
  // chunks, and joining on every chunk would copy it hundreds of times.
  push(chunk) {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.need > 0 && this.size < this.need) return [];
    let buf = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size);
    const out = [];
    for (;;) {
      if (this.untyped) {
        if (buf.length < 4) break;
        const len = buf.readInt32BE(0);
        if (buf.length < len) break;
        const msg = buf.subarray(0, len);
        buf = buf.subarray(len);
        const code = len >= 8 ? msg.readInt32BE(4) : 0;
        const isRequest = code === 80877103 || code === 80877104 || code === 80877102; // SSL, GSSENC, Cancel
        out.push({ type: isRequest ? (code === 80877102 ? 'cancel' : 'negotiate') : 'startup', bytes: msg });
        if (!isRequest || code === 80877102) this.untyped = false;
      } else {
        if (buf.length < 5) break;
        const len = buf.readInt32BE(1);
        if (buf.length < len + 1) break;
        const msg = buf.subarray(0, len + 1);
        buf = buf.subarray(len + 1);
        out.push({ type: String.fromCharCode(msg[0]), bytes: msg });
      }
    }
    this.parts = buf.length ? [buf] : [];
    this.size = buf.length;
    this.need = !this.untyped && buf.length >= 5 ? buf.readInt32BE(1) + 1 : this.untyped && buf.length >= 4 ? buf.readInt32BE(0) : 0;
    return out;
  }
}

function serve(upstreamPort) {
  const server = net.createServer(client => {
    client.setNoDelay(true);
    const upstream = net.connect({ host: '127.0.0.1', port: upstreamPort });
    upstream.setNoDelay(true);
    const fromClient = new Framer(true);
    const fromServer = new Framer(false);
    const pending = [];        // client messages not yet forwarded
    let inRequest = false;     // extended-protocol messages forwarded since the last Sync
    let outstanding = 0;       // Sync, Query, startup (each answered by one ReadyForQuery) forwarded and not yet answered
    let status = 'I';
    let rawReplies = 0;        // one-byte answers to SSLRequest/GSSENCRequest (no message framing)
    let upstreamOpen = false;
    const conn = {
      closed: false,
      granted() { flush(); },
    };
    function flush() {
      if (holder !== conn || !upstreamOpen) return;
      while (pending.length > 0) {
        const m = pending.shift();
        if (m.type === 'negotiate') rawReplies++;
        if (m.type === 'startup' || m.type === 'S' || m.type === 'Q' || m.type === 'F') outstanding++;
        // Parse, Bind, Describe, Execute, Close, Flush: part of an extended-protocol request that only its Sync ends.
        if ('PBDECH'.includes(m.type) && m.type.length === 1) inRequest = true;
        if (m.type === 'S') inRequest = false;
        upstream.write(m.bytes);
      }
      maybeRelease();
    }
    function maybeRelease() {
      // Idle: nothing queued, no message half received, no request without its Sync, every Sync/Query answered,
      // no transaction open. A request that arrives in several TCP chunks keeps the gate until its Sync is answered.
      if (holder === conn && pending.length === 0 && fromClient.size === 0 && !inRequest && outstanding === 0 &&
          rawReplies === 0 && status === 'I') release(conn);
    }
    function close() {
      if (conn.closed) return;
      conn.closed = true;
      release(conn);
      client.destroy();
      upstream.destroy();
    }
    upstream.on('connect', () => { upstreamOpen = true; flush(); });
    client.on('data', chunk => {
      for (const m of fromClient.push(chunk)) pending.push(m);
      if (pending.length > 0) { acquire(conn); flush(); }
    });
    upstream.on('data', chunk => {
      let rest = chunk;
      while (rawReplies > 0 && rest.length > 0) {
        client.write(rest.subarray(0, 1));
        rest = rest.subarray(1);
        rawReplies--;
      }
      if (rest.length === 0) { maybeRelease(); return; }
      for (const m of fromServer.push(rest)) {
        client.write(m.bytes);
        if (m.type === 'Z') {
          outstanding = Math.max(0, outstanding - 1);
          status = String.fromCharCode(m.bytes[5]);
        }
      }
      maybeRelease();
    });
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  });
  server.on('error', e => { console.error(`gate: ${e.message}`); stop(1); });
  server.listen(port, host, () => console.log(`listening on ${host}:${port} (gated; PGlite on 127.0.0.1:${upstreamPort})`));
}

(async () => {
  const upstreamPort = await freePort();
  const exe = path.join(__dirname, 'node_modules', '.bin', process.platform === 'win32' ? 'pglite-server.cmd' : 'pglite-server');
  child = spawn(exe, [`--db=${args.db}`, '--host=127.0.0.1', `--port=${upstreamPort}`, '--max-connections=100',
    '--extensions=@electric-sql/pglite-pgvector:vector'], { cwd: __dirname, stdio: ['ignore', 'pipe', 'pipe'] });
  let started = false;
  const onLine = data => {
    const text = data.toString();
    process.stderr.write(text.replace(/listening/gi, 'up'));   // only the gate says "listening"
    if (!started && /listening/i.test(text)) { started = true; serve(upstreamPort); }
  };
  child.stdout.on('data', onLine);
  child.stderr.on('data', onLine);
  child.on('exit', code => { console.error(`pglite-server exited (${code})`); process.exit(code === null ? 1 : code || 1); });
})();
