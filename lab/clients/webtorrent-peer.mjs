// swarmsim lab: one WebTorrent client (npm webtorrent) in a Node process of its own.
// Usage: node webtorrent-peer.mjs CONFIG.json   (written by lab/clients/webtorrent.ts)
// Every TCP socket is bound to the client's own address (WebTorrent has no option for it), and
// every connection event is written as one JSON line {t, ev, conn, ...} to the events log:
//   attempt | connected | connect_failed | incoming | handshake | piece | close | done | started
import { readFileSync, appendFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let nextConn = 1;
const byRemote = new Map(); // "ip:port" of the other end → socket
const log = (ev, fields) => appendFileSync(cfg.events, JSON.stringify({ t: Date.now(), ev, ...fields }) + '\n');

function watch(sock, conn, dir) {
  sock.__labConn = conn;
  let remoteEnded = false;
  let err = '';
  let wasConnected = dir === 'in';
  const remember = () => {
    if (sock.remoteAddress) byRemote.set(`${sock.remoteAddress}:${sock.remotePort}`, sock);
  };
  if (dir === 'in') remember();
  sock.once('connect', () => {
    wasConnected = true;
    remember();
    log('connected', { conn, local: `${sock.localAddress}:${sock.localPort}` });
  });
  sock.once('end', () => (remoteEnded = true));
  sock.once('error', (e) => {
    err = e.code ?? e.message;
    if (!wasConnected) log('connect_failed', { conn, reason: err });
  });
  sock.once('close', () => {
    for (const [k, s] of byRemote) if (s === sock) byRemote.delete(k);
    if (wasConnected) log('close', { conn, by: remoteEnded || err === 'ECONNRESET' ? 'remote' : 'local', reason: err || (remoteEnded ? 'eof' : 'destroyed') });
  });
}

// Outgoing: bind to our address, and log the attempt.
const realConnect = net.connect;
function connect(...args) {
  const opts = typeof args[0] === 'object' ? { ...args[0] } : { port: args[0], host: typeof args[1] === 'string' ? args[1] : undefined };
  const isTracker = Number(opts.port) === cfg.tracker_port && opts.host === cfg.tracker_host;
  opts.localAddress = cfg.address;
  const sock = realConnect(opts, ...args.slice(typeof args[0] === 'object' ? 1 : typeof args[1] === 'string' ? 2 : 1).filter((a) => typeof a === 'function'));
  if (!isTracker && opts.host !== undefined) {
    const conn = nextConn++;
    log('attempt', { conn, remote: `${opts.host}:${opts.port}` });
    watch(sock, conn, 'out');
  }
  return sock;
}
net.connect = connect;
net.createConnection = connect;
// Listening: on our own address only.
const realListen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || args[0] === undefined) {
    const cb = args.find((a) => typeof a === 'function');
    return realListen.call(this, { port: args[0] ?? 0, host: cfg.address }, cb);
  }
  if (typeof args[0] === 'object' && args[0] !== null && !args[0].path) return realListen.call(this, { ...args[0], host: cfg.address }, ...args.slice(1));
  return realListen.apply(this, args);
};
syncBuiltinESMExports();

const { default: WebTorrent } = await import('webtorrent');
const client = new WebTorrent(cfg.options);
client.on('error', (e) => log('error', { message: String(e.message ?? e) }));
const pool = client._connPool;
if (pool?.tcpServer) {
  pool.tcpServer.prependListener('connection', (sock) => {
    const conn = nextConn++;
    log('incoming', { conn, remote: `${sock.remoteAddress}:${sock.remotePort}` });
    watch(sock, conn, 'in');
  });
}

mkdirSync(cfg.data, { recursive: true });
const torrent = client.add(readFileSync(cfg.torrent), { path: cfg.data, announce: [cfg.tracker_url] });
torrent.on('wire', (wire) => {
  const sock = byRemote.get(`${wire.remoteAddress}:${wire.remotePort}`);
  const conn = sock?.__labConn ?? 0;
  log('handshake', { conn, remote: `${wire.remoteAddress}:${wire.remotePort}`, dir: wire.type === 'tcpIncoming' ? 'in' : 'out', peer_id: wire.peerId });
  wire.on('download', (bytes) => log('piece', { conn, dir: 'down', bytes }));
  wire.on('upload', (bytes) => log('piece', { conn, dir: 'up', bytes }));
});
torrent.on('ready', () => log('started', { peer_id: client.peerId, done: torrent.done }));
torrent.on('done', () => log('done', {}));
torrent.on('warning', (w) => log('warning', { message: String(w.message ?? w) }));

const stop = () => {
  log('stopping', {});
  client.destroy(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
