import { describe, expect, it } from 'vitest';
import { parseLabText } from '../../lab/config/lab-file.js';
import { DRIVERS } from '../../lab/clients/drivers.js';
import type { LabContext } from '../../lab/clients/types.js';
import { assignClients } from '../../lab/runner/assign.js';

/** Every address-like string in a settings object. */
function addresses(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') {
    for (const m of v.matchAll(/\b\d+\.\d+\.\d+\.\d+\b|::1|::(?![\w:])|0\.0\.0\.0/g)) out.push(m[0]);
  } else if (v && typeof v === 'object') for (const x of Object.values(v)) addresses(x, out);
  return out;
}

const LAB = `
name: all-kinds
duration: 30
torrent: { size: 64KiB, piece_length: 16KiB }
groups:
  - { name: tr, kind: transmission, count: 2, role: seed, upload_limit: 100KiB/s }
  - { name: lt, kind: libtorrent, count: 2, role: seed }
  - { name: wt, kind: webtorrent, count: 2, role: leecher }
`;

describe('generated client settings', () => {
  for (const prefix of ['198.18.0.', '127.0.0.']) {
    const lab = parseLabText(LAB, 'all-kinds.yaml');
    const clients = assignClients(lab, prefix, '/tmp/lab-out');
    const ctx: LabContext = { torrentFile: '/t', contentFile: '/c', torrentName: 'lab.bin', trackerUrl: `http://${prefix}1:6969/announce`, logDir: '/tmp/lab-out/logs' };
    for (const c of clients) {
      const s = DRIVERS[c.kind].settings(c, ctx);
      it(`${c.kind} ${c.id} on ${prefix}N: no outside lookup, only its own address`, () => {
        const off: Record<string, string[]> = {
          transmission: ['dht-enabled', 'lpd-enabled', 'port-forwarding-enabled', 'blocklist-enabled', 'utp-enabled', 'pex-enabled'],
          libtorrent: ['enable_dht', 'enable_lsd', 'enable_upnp', 'enable_natpmp', 'enable_outgoing_utp', 'enable_incoming_utp'],
          webtorrent: ['dht', 'lsd', 'natUpnp', 'natPmp', 'webSeeds', 'utp', 'utPex'],
        };
        for (const k of off[c.kind]!) expect(s[k], `${c.kind}.${k}`).toBe(false);
        const addrs = addresses(s);
        for (const a of addrs) expect(a === c.address || a === `${prefix}1` || a === '127.0.0.1' || a === '::1', `${c.kind}: address ${a}`).toBe(true);
        if (c.kind !== 'webtorrent') expect(addrs).toContain(c.address);
      });
    }
    it(`every client has its own ${prefix}N, N ≥ 2`, () => {
      const addrs = clients.map((c) => c.address);
      expect(new Set(addrs).size).toBe(addrs.length);
      for (const a of addrs) {
        expect(a.startsWith(prefix)).toBe(true);
        expect(Number(a.slice(prefix.length))).toBeGreaterThanOrEqual(2);
      }
    });
  }
  it('transmission binds peer and RPC sockets to its own address and writes the limit in kB/s', () => {
    const lab = parseLabText(LAB, 'all-kinds.yaml');
    const c = assignClients(lab, '198.18.0.', '/tmp/x')[0]!;
    const s = DRIVERS.transmission.settings(c, { torrentFile: '', contentFile: '', torrentName: 'x', trackerUrl: '', logDir: '' });
    expect(s['bind-address-ipv4']).toBe('198.18.0.2');
    expect(s['rpc-bind-address']).toBe('198.18.0.2');
    expect(s['speed-limit-up-enabled']).toBe(true);
    expect(s['speed-limit-up']).toBe(102);
  });
});
