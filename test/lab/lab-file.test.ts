import { describe, expect, it } from 'vitest';
import { parseLabText } from '../../lab/config/lab-file.js';

const ok = `
duration: 3m
torrent: { size: 256KiB, piece_length: 16KiB }
groups:
  - { name: subject, kind: libtorrent, count: 2, role: seed, subject: true }
`;

describe('lab file', () => {
  it('reads units and defaults', () => {
    const lab = parseLabText(ok, 'lab/x.yaml');
    expect(lab.name).toBe('x');
    expect(lab.duration).toBe(180);
    expect(lab.torrent.size).toBe(262144);
    expect(lab.torrent.private).toBe(true);
    expect(lab.network).toBe('namespace');
    expect(lab.groups[0]!.upload_limit).toBe(0);
  });
  it.each([
    [ok.replace('count: 2', 'count: -1'), 'x.yaml: groups.0.count: expected a value ≥ 1, got -1'],
    [ok.replace('kind: libtorrent', 'kind: utorrent'), 'x.yaml: groups.0.kind: expected one of "transmission", "libtorrent", "webtorrent", got "utorrent"'],
    [ok.replace('piece_length: 16KiB', 'piece_length: 20000'), 'x.yaml: torrent.piece_length: expected a power of two ≥ 16 KiB, got 20000'],
    [ok + 'colour: blue\n', "x.yaml: unknown key 'colour'"],
    [ok.replace('duration: 3m', 'duration: soon'), 'x.yaml: duration: expected a duration such as 180, 90s or 3m, got "soon"'],
    [ok.replace('role: seed', 'role: leecher'), 'x.yaml: groups: expected at least one group with role: seed'],
    [ok.replace('subject: true', 'subject: true, pex: true'), 'x.yaml: groups.0.pex: expected false while torrent.private is true'],
  ])('rejects %#', (text, message) => {
    expect(() => parseLabText(text, 'x.yaml')).toThrow(message);
  });
});
