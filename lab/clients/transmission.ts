import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientDriver, LabClient, LabContext, Launch } from './types.js';

/**
 * Transmission 3.00 (`transmission-daemon -f`, Debian package transmission-daemon). Settings:
 * every outside lookup off (DHT, LPD, UPnP/NAT-PMP, blocklist), peer and RPC sockets on the
 * client's own address. Deep log: TR_DEBUG_FD=2 sends libtransmission's debug messages to
 * stderr, which the lab writes to the client's log file. The torrent comes in by the watch-dir.
 */

const BINARY = 'transmission-daemon';

function settings(c: LabClient, _ctx: LabContext): Record<string, unknown> {
  const kib = (bps: number): number => Math.max(1, Math.round(bps / 1000));
  return {
    'alt-speed-enabled': false,
    'bind-address-ipv4': c.address,
    // No IPv6 peer socket beyond the namespace's own loopback.
    'bind-address-ipv6': '::1',
    'blocklist-enabled': false,
    'blocklist-url': '',
    'cache-size-mb': 4,
    'dht-enabled': false,
    'download-dir': join(c.stateDir, 'data'),
    'download-queue-enabled': false,
    encryption: 1,
    'idle-seeding-limit-enabled': false,
    'incomplete-dir-enabled': false,
    'lpd-enabled': false,
    'message-level': 3,
    'peer-limit-global': 200,
    'peer-limit-per-torrent': 50,
    'peer-port': c.port,
    'peer-port-random-on-start': false,
    'pex-enabled': c.pex,
    'port-forwarding-enabled': false,
    'queue-stalled-enabled': false,
    'ratio-limit-enabled': false,
    'rename-partial-files': false,
    'rpc-authentication-required': false,
    'rpc-bind-address': c.address,
    'rpc-enabled': true,
    'rpc-host-whitelist-enabled': false,
    'rpc-port': 9091,
    'rpc-whitelist': `127.0.0.1,${c.address}`,
    'rpc-whitelist-enabled': true,
    'scrape-paused-torrents-enabled': false,
    'script-torrent-done-enabled': false,
    'seed-queue-enabled': false,
    'speed-limit-down': kib(c.downloadLimit),
    'speed-limit-down-enabled': c.downloadLimit > 0,
    'speed-limit-up': kib(c.uploadLimit),
    'speed-limit-up-enabled': c.uploadLimit > 0,
    'start-added-torrents': true,
    'trash-original-torrent-files': false,
    umask: 18,
    'utp-enabled': c.utp,
    'watch-dir': join(c.stateDir, 'watch'),
    'watch-dir-enabled': true,
  };
}

export const transmission: ClientDriver = {
  kind: 'transmission',
  installHint: 'apt-get install -y transmission-daemon',
  probe() {
    const r = spawnSync(BINARY, ['--version'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return { ok: false, problem: `${BINARY} is not installed (Debian package transmission-daemon)` };
    const m = /transmission-daemon\s+(\S+)/.exec(`${r.stdout}${r.stderr}`);
    return { ok: true, version: m?.[1] ?? 'unknown' };
  },
  settings,
  prepare(clients, ctx) {
    return clients.map((c): Launch => {
      const config = join(c.stateDir, 'config');
      for (const d of [config, join(c.stateDir, 'data'), join(c.stateDir, 'watch')]) mkdirSync(d, { recursive: true });
      writeFileSync(join(config, 'settings.json'), JSON.stringify(settings(c, ctx), null, 2) + '\n');
      if (c.role === 'seed') copyFileSync(ctx.contentFile, join(c.stateDir, 'data', ctx.torrentName));
      copyFileSync(ctx.torrentFile, join(c.stateDir, 'watch', 'lab.torrent'));
      return {
        clients: [c],
        command: BINARY,
        args: ['-f', '-g', config, '--log-debug'],
        env: { TR_DEBUG_FD: '2' },
        stdout: join(ctx.logDir, `${c.id}.stdout.log`),
        stderr: c.logs[0]!,
        startAfter: c.startAfter,
      };
    });
  },
};
