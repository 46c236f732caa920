import { describe, expect, it } from 'vitest';
import { explainPolicy, formatExplain } from '../../sim/policies/explain.js';
import { getPolicyFactory, listPolicies } from '../../sim/policies/registry.js';

function explain(spec: string) {
  const { factory, params } = getPolicyFactory(spec);
  return explainPolicy(factory, params);
}

function row(spec: string, label: string): number[] {
  const r = explain(spec).find((x) => x.label.startsWith(label));
  if (!r) throw new Error(`no row ${label}`);
  return r.values;
}

describe('explain', () => {
  it('transmission-4.1: 0, 10, 120, 900, 1800, 3600, 7200 after remote-closed fruitless connections', () => {
    expect(row('transmission-4.1', 'fruitless connection, remote closed')).toEqual([0, 10, 120, 900, 1800, 3600, 7200, 7200, 7200]);
    expect(row('transmission-4.1', 'fruitless connection, we closed')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(row('transmission-4.1', 'connect timeout, from the attempt start')).toEqual([0, 900, 1800, 3600, 7200, 7200, 7200, 7200, 7200]);
    const text = formatExplain(explain('transmission-4.1'), 'transmission-4.1');
    expect(text).toMatch(/fruitless connection, remote closed +0 +10 +120 +900 +1800 +3600 +7200 +7200 +7200\n/);
  });

  it('differs between variants as §9 says', () => {
    expect(row('transmission-main-2023', 'fruitless connection, remote closed')).toEqual(Array(9).fill(0));
    expect(row('transmission-4.0', 'fruitless connection, we closed')).toEqual([0, 10, 120, 900, 1800, 3600, 7200, 7200, 7200]);
    expect(row('transmission-4.0', 'connect timeout, from the failure').slice(1)).toEqual(Array(8).fill(Infinity));
    expect(row('libtorrent-2.0', 'connect timeout, from the attempt start').slice(0, 4)).toEqual([0, 135, 198, Infinity]);
    expect(row('libtorrent-2.0', 'upload_only seen')).toEqual([60, 60]);
    expect(row('libtorrent-2.1', 'upload_only seen')).toEqual([Infinity, Infinity]);
    expect(row('transmission-4.1', 'seed known from a PEX flag')).toEqual([0, Infinity]);
    expect(row('transmission-main-2023', 'seed seen on a connection')).toEqual([0, 0]);
    expect(row('exp-backoff:base=5', 'fruitless connection, remote closed')).toEqual([0, 5, 10, 20, 40, 80, 160, 320, 640]);
    expect(row('max-failures:max=2', 'fruitless connection, remote closed')).toEqual([0, 60, ...Array(7).fill(Infinity)]);
  });

  it('formats an aligned table for every built-in', () => {
    for (const f of listPolicies()) {
      const params = Object.fromEntries(f.params.map((p) => [p.name, p.default]));
      const text = formatExplain(explainPolicy(f, params), f.name);
      const lines = text.trimEnd().split('\n');
      expect(lines[0]).toBe(f.name);
      const head = lines[2] as string;
      const body = lines.slice(3, 7);
      for (const l of body) expect(l.length).toBe(head.length);
      expect(text).toMatch(/done host: wait \(s\) before dialling +PEX on +PEX off/);
    }
    expect(formatExplain(explain('transmission-4.0'))).toMatch(/never/);
  });

  it('is deterministic for randomised policies', () => {
    expect(explain('exp-backoff:jitter=full')).toEqual(explain('exp-backoff:jitter=full'));
    expect(explain('adaptive')).toEqual(explain('adaptive'));
  });
});
