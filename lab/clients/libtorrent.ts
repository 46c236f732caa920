import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labAsset } from './assets.js';
import type { ClientDriver, LabClient, LabContext, Launch } from './types.js';

/**
 * libtorrent-rasterbar 2.0.8 through its Python binding (Debian package python3-libtorrent,
 * importable from /usr/bin/python3 only). One Python process runs every libtorrent client of the
 * lab as a session of its own, each listening on its own address, each with its own log.
 */

export const SYSTEM_PYTHON = '/usr/bin/python3';

function settings(c: LabClient, _ctx: LabContext): Record<string, unknown> {
  return {
    listen_interfaces: `${c.address}:${c.port}`,
    outgoing_interfaces: c.address,
    enable_dht: false,
    enable_lsd: false,
    enable_upnp: false,
    enable_natpmp: false,
    dht_bootstrap_nodes: '',
    enable_incoming_utp: c.utp,
    enable_outgoing_utp: c.utp,
    enable_incoming_tcp: true,
    enable_outgoing_tcp: true,
    upload_rate_limit: c.uploadLimit,
    download_rate_limit: c.downloadLimit,
    alert_queue_size: 100000,
    user_agent: `swarmsim-lab/${c.id}`,
    anonymous_mode: false,
    // No validation of HTTPS trackers or web seeds against the outside: there are none.
    validate_https_trackers: false,
  };
}

export const libtorrent: ClientDriver = {
  kind: 'libtorrent',
  installHint: 'apt-get install -y python3-libtorrent',
  probe() {
    const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import libtorrent; print(libtorrent.__version__)'], { encoding: 'utf8' });
    if (r.error) return { ok: false, problem: `${SYSTEM_PYTHON} is missing (Debian packages python3 and python3-libtorrent)` };
    if (r.status !== 0) return { ok: false, problem: `${SYSTEM_PYTHON} cannot import libtorrent (Debian package python3-libtorrent)` };
    // 2.0.8.0 → 2.0.8
    return { ok: true, version: r.stdout.trim().replace(/^(\d+\.\d+\.\d+)\.0$/, '$1') };
  },
  settings,
  prepare(clients, ctx) {
    if (clients.length === 0) return [];
    const sessions = clients.map((c) => {
      const data = join(c.stateDir, 'data');
      mkdirSync(data, { recursive: true });
      if (c.role === 'seed') copyFileSync(ctx.contentFile, join(data, ctx.torrentName));
      return { id: c.id, settings: settings(c, ctx), torrent: ctx.torrentFile, save_path: data, log: c.logs[0]!, start_after: c.startAfter };
    });
    const config = join(ctx.logDir, 'libtorrent-sessions.json');
    writeFileSync(config, JSON.stringify({ sessions }, null, 2) + '\n');
    const launch: Launch = {
      clients,
      command: SYSTEM_PYTHON,
      args: ['-u', labAsset('libtorrent-sessions.py'), config],
      env: {},
      stdout: join(ctx.logDir, 'libtorrent.stdout.log'),
      stderr: join(ctx.logDir, 'libtorrent.stderr.log'),
      // Each session waits its own start_after inside the process.
      startAfter: 0,
    };
    return [launch];
  },
};
