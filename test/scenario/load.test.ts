import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../sim/input-error.js';
import { loadScenario, parseOverrides, readScenarioFile, resolveScenario } from '../../sim/scenario/load.js';
import { cleanupTempDirs, tempDir, TINY } from '../experiments/helpers.js';

afterAll(cleanupTempDirs);

const GOOD = readFileSync(TINY, 'utf8');

function withText(text: string): string {
  const f = join(tempDir(), 'scenario.yaml');
  writeFileSync(f, text);
  return f;
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('loadScenario', () => {
  it('fills defaults, converts units and names the scenario after the file when unnamed', () => {
    const s = loadScenario(withText(GOOD.replace('name: tiny\n', ''))).scenario;
    expect(s.name).toBe('scenario');
    expect(s.duration).toBe(300);
    expect(s.torrent.size).toBe(4 * 1024 * 1024);
    expect(s.population.leechers!.arrival).toEqual({ uniform: [0, 60] });
    expect(s.network.rtt.median).toBe(0.08);
  });

  it('names file, line:col, key path, expectation and actual value', () => {
    const f = withText(GOOD.replace('count: 3,', 'count: -3,'));
    expect(message(() => loadScenario(f))).toBe(`${f}:8:22: population.leechers.count: expected a whole number ≥ 0, got -3`);
    const g = withText(GOOD.replace('role: seed }', 'role: seed, connectable: 2 }'));
    expect(message(() => loadScenario(g))).toMatch(/:6:\d+: population\.subject\.connectable: expected a share from 0 to 1, got 2$/);
    const h = withText(GOOD + 'extra: 1\n');
    expect(message(() => loadScenario(h))).toMatch(new RegExp(`^${h}:13:1: unknown key 'extra' \\(expected one of name, `));
    const u = withText(GOOD.replace('[0, 60]', '[0, soon]'));
    expect(message(() => loadScenario(u))).toMatch(/population\.leechers\.arrival\.uniform\.1: expected a duration like '90s' or a number ≥ 0, got "soon"$/);
  });

  it('reads a stop rule and names file, line:col, key path and expectation for each mistake in one', () => {
    const ok = loadScenario(withText(GOOD + 'stop: { when: converged, max: 90m }\n')).scenario;
    expect(ok.stop).toEqual({ when: 'converged', max: 5400, window: 600 });
    expect(loadScenario(withText(GOOD)).scenario.stop).toBeUndefined();
    const cases: [string, string][] = [
      ['stop: { when: done }', '13:15: stop.when: expected one of converged, settled, got "done"'],
      ['stop: { max: 1h }', '13:7: stop.when: missing, expected one of converged, settled'],
      ['stop: { when: converged, max: soon }', `13:31: stop.max: expected a duration like '90s' or a number ≥ 0, got "soon"`],
      ['stop: { when: converged, max: 0 }', '13:31: stop.max: expected a duration > 0, got 0'],
      ['stop: { when: converged, until: 1h }', "13:26: stop: unknown key 'until' (expected one of when, max, window)"],
      ['stop: converged', '13:7: stop: expected a mapping with keys when, max, window, got "converged"'],
      ['stop: { when: settled, window: 0 }', '13:32: stop.window: expected a duration > 0, got 0'],
    ];
    for (const [line, err] of cases) {
      const f = withText(GOOD + line + '\n');
      expect(message(() => loadScenario(f))).toBe(`${f}:${err}`);
    }
    // --set reaches the rule's fields; a rule needs its condition.
    expect(loadScenario(TINY, parseOverrides(['stop.when=settled', 'stop.window=5m'])).scenario.stop).toEqual({ when: 'settled', window: 300 });
    expect(message(() => loadScenario(TINY, parseOverrides(['stop.max=30m'])))).toBe(`${TINY}: stop.when: missing, expected one of converged, settled`);
  });

  it('applies --set values parsed as YAML and validated by the schema', () => {
    const s = loadScenario(TINY, parseOverrides(['population.leechers.count=7', 'duration=1h', 'network.encryption=false', 'policies=[naive, transmission-4.1]'])).scenario;
    expect(s.population.leechers!.count).toBe(7);
    expect(s.duration).toBe(3600);
    expect(s.network.encryption).toBe(false);
    expect(s.policies).toEqual(['naive', 'transmission-4.1']);
  });

  it('switches a union form with --set (arrival.uniform → arrival.poisson)', () => {
    const s = loadScenario(TINY, parseOverrides(['population.leechers.arrival.poisson.rate=30'])).scenario;
    expect(s.population.leechers!.arrival).toEqual({ poisson: { rate: 30, from: 0 } });
  });

  it('creates intermediate mappings for fields the file leaves to defaults', () => {
    const s = loadScenario(TINY, parseOverrides(['discovery.pex.interval=2m'])).scenario;
    expect(s.discovery.pex.interval).toBe(120);
    expect(s.discovery.pex.enabled).toBe(true);
  });

  it('rejects override paths that name no field, and names the override in value errors', () => {
    expect(message(() => loadScenario(TINY, parseOverrides(['network.rtt.mean=1'])))).toBe(
      "--set network.rtt.mean=1: 'mean' is not a field of network.rtt (fields: median, sigma, min)",
    );
    expect(message(() => loadScenario(TINY, parseOverrides(['population.subject.role=lurker'])))).toBe(
      `${TINY}: --set population.subject.role=lurker: expected one of seed, leecher, got "lurker"`,
    );
    expect(message(() => loadScenario(TINY, parseOverrides(['population.leechers.arrival=soon'])))).toMatch(
      /--set population\.leechers\.arrival=soon: expected \{at: 0\}, \{uniform/,
    );
    expect(message(() => parseOverrides(['=3']))).toMatch(/expected path=value/);
  });

  it('resolves one parsed file many times without the overrides leaking between points', () => {
    const src = readScenarioFile(TINY);
    const a = resolveScenario(src, [{ path: 'population.leechers.count', parsed: 9 }]).scenario;
    const b = resolveScenario(src).scenario;
    expect(a.population.leechers!.count).toBe(9);
    expect(b.population.leechers!.count).toBe(3);
  });
});
