import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { labAsset } from './assets.js';
import type { ClientDriver, LabClient, LabContext, Launch } from './types.js';

/**
 * WebTorrent (npm webtorrent, a devDependency), one Node process per client running
 * lab/clients/webtorrent-peer.mjs: TCP only, DHT/LSD/UPnP/NAT-PMP/web seeds off, the lab's
 * tracker only, sockets bound to the client's address, connection events logged as JSON lines.
 */

function settings(c: LabClient, _ctx: LabContext): Record<string, unknown> {
  return {
    dht: false,
    lsd: false,
    natUpnp: false,
    natPmp: false,
    webSeeds: false,
    utp: false,
    utPex: c.pex,
    torrentPort: c.port,
    // -1 = unlimited (WebTorrent's convention).
    uploadLimit: c.uploadLimit > 0 ? c.uploadLimit : -1,
    downloadLimit: c.downloadLimit > 0 ? c.downloadLimit : -1,
    tracker: {},
  };
}

export function webtorrentVersion(): string | undefined {
  try {
    const req = createRequire(import.meta.url);
    const pkg = req.resolve('webtorrent/package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

export const webtorrent: ClientDriver = {
  kind: 'webtorrent',
  installHint: 'npm install (webtorrent is a devDependency of swarmsim)',
  probe() {
    const v = webtorrentVersion();
    return v ? { ok: true, version: v } : { ok: false, problem: 'the npm package webtorrent is not installed' };
  },
  settings,
  prepare(clients, ctx) {
    const tracker = new URL(ctx.trackerUrl);
    return clients.map((c): Launch => {
      const data = join(c.stateDir, 'data');
      mkdirSync(data, { recursive: true });
      if (c.role === 'seed') copyFileSync(ctx.contentFile, join(data, ctx.torrentName));
      const config = join(c.stateDir, 'webtorrent.json');
      const cfg = {
        address: c.address,
        options: settings(c, ctx),
        torrent: ctx.torrentFile,
        data,
        events: c.logs[0]!,
        tracker_url: ctx.trackerUrl,
        tracker_host: tracker.hostname,
        tracker_port: Number(tracker.port),
      };
      writeFileSync(config, JSON.stringify(cfg, null, 2) + '\n');
      return {
        clients: [c],
        command: process.execPath,
        args: [labAsset('webtorrent-peer.mjs'), config],
        env: { DEBUG: 'webtorrent:torrent', DEBUG_COLORS: '0' },
        stdout: join(ctx.logDir, `${c.id}.stdout.log`),
        stderr: join(ctx.logDir, `${c.id}.debug.log`),
        startAfter: c.startAfter,
      };
    });
  },
};
