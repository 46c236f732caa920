import { describe, expect, it } from 'vitest';
import { parseBaseline, serializeBaseline, type MetricStats, type SuiteResults } from '../../reports/check/baseline.js';
import { compareToBaseline, judge, metricStats } from '../../reports/check/compare.js';
import { junit, markdown, textTable } from '../../reports/check/format.js';
import { defaultBetter, parseSuite, type Tolerance } from '../../reports/check/suite.js';
import { InputError } from '../../sim/input-error.js';

const SUITE = `name: demo
replications: 3
seed: 7
policies:
  client: transmission-4.1
scenarios:
  - file: ../scenarios/seed-heavy.yaml
    set:
      duration: 20m
  - file: other.yaml
    name: other-run
    metrics:
      swarm_wasted_handshakes: { absolute: 3 }
metrics:
  subject_wasted_handshakes: { relative: 0.1 }
  subject_useful_ratio: { statistical: { min_effect: 0.01 } }
`;

describe('parseSuite', () => {
  it('reads slots, scenarios with overrides and tolerances with default directions', () => {
    const s = parseSuite('/x/ci/suite.yaml', SUITE);
    expect(s.name).toBe('demo');
    expect(s.seed).toBe(7);
    expect(s.policies).toEqual([{ slot: 'client', spec: 'transmission-4.1' }]);
    expect(s.scenarios.map((c) => [c.name, c.file, c.replications])).toEqual([
      ['seed-heavy', '/x/scenarios/seed-heavy.yaml', 3],
      ['other-run', '/x/ci/other.yaml', 3],
    ]);
    expect(s.scenarios[0]!.set).toEqual([{ path: 'duration', parsed: '20m', origin: 'scenarios[0].set duration=20m', where: '/x/ci/suite.yaml:9:7' }]);
    expect(s.scenarios[0]!.metrics).toEqual({
      subject_wasted_handshakes: { relative: 0.1, better: 'lower' },
      subject_useful_ratio: { statistical: { min_effect: 0.01, min_relative_effect: 0 }, better: 'higher' },
    });
    expect(Object.keys(s.scenarios[1]!.metrics)).toEqual(['subject_wasted_handshakes', 'subject_useful_ratio', 'swarm_wasted_handshakes']);
  });
  it('accepts a plain list of policies (slot = policy)', () => {
    const s = parseSuite('s.yaml', SUITE.replace('policies:\n  client: transmission-4.1', 'policies: [naive, transmission-4.1]'));
    expect(s.policies.map((p) => p.slot)).toEqual(['naive', 'transmission-4.1']);
  });
  it.each([
    ['YAML syntax', 'name: [unclosed', /^s\.yaml:1:\d+: YAML syntax error/],
    ['unknown key', SUITE.replace('seed: 7', 'seed: 7\nreplicas: 3'), /^s\.yaml:4:1: \(top level\): unknown key replicas$/],
    ['unknown metric', SUITE.replace('subject_useful_ratio:', 'subject_usefulness:'), /^s\.yaml:16:3: metrics\.subject_usefulness: unknown metric/],
    ['empty tolerance', SUITE.replace('{ relative: 0.1 }', '{ better: lower }'), /metrics\.subject_wasted_handshakes: expected at least one of relative, absolute, statistical/],
    ['negative tolerance', SUITE.replace('relative: 0.1', 'relative: -1'), /^s\.yaml:15:\d+: metrics\.subject_wasted_handshakes\.relative: expected a fraction/],
    ['bad replications', SUITE.replace('replications: 3', 'replications: 0'), /^s\.yaml:2:\d+: replications: expected a whole number ≥ 1/],
    ['missing scenarios', SUITE.replace(/scenarios:[\s\S]*?metrics:\n  subject_wasted/, 'metrics:\n  subject_wasted'), /scenarios: missing/],
    ['duplicate names', SUITE.replace('name: other-run', 'name: seed-heavy'), /scenarios\[1\]: a second scenario named seed-heavy/],
    ['not a mapping', '- a\n- b\n', /expected a mapping/],
  ])('%s → InputError naming file, place and key', (_, text, re) => {
    expect(() => parseSuite('s.yaml', text)).toThrow(InputError);
    expect(() => parseSuite('s.yaml', text)).toThrow(re);
  });
});

describe('default direction', () => {
  it('lower is better except for ratios and useful work', () => {
    expect(defaultBetter('subject_wasted_handshakes')).toBe('lower');
    expect(defaultBetter('swarm_useful_ratio')).toBe('higher');
    expect(defaultBetter('subject_completed_fraction')).toBe('higher');
    expect(defaultBetter('swarm_completion_s_p90')).toBe('lower');
  });
});

const st = (mean: number | null, lo = mean, hi = mean, n = 5): MetricStats => ({ mean, ci: [lo, hi], n, sd: 0 });

describe('judge', () => {
  const rel: Tolerance = { relative: 0.1, better: 'lower' };
  it('relative', () => {
    expect(judge(rel, st(100), st(100)).verdict).toBe('pass');
    expect(judge(rel, st(100), st(109)).verdict).toBe('pass');
    expect(judge(rel, st(100), st(111))).toMatchObject({ verdict: 'regression', delta: 11, reason: 'up: 11% > 10%' });
    expect(judge(rel, st(100), st(80)).verdict).toBe('improvement');
    expect(judge(rel, st(0), st(1)).verdict).toBe('regression');
    expect(judge({ ...rel, better: 'higher' }, st(100), st(80)).verdict).toBe('regression');
    expect(judge({ ...rel, better: 'either' }, st(100), st(80)).verdict).toBe('regression');
  });
  it('absolute, and several criteria: within any of them passes', () => {
    expect(judge({ absolute: 5, better: 'lower' }, st(10), st(16)).verdict).toBe('regression');
    expect(judge({ absolute: 5, better: 'lower' }, st(10), st(15)).verdict).toBe('pass');
    expect(judge({ absolute: 5, relative: 0.1, better: 'lower' }, st(10), st(14)).verdict).toBe('pass'); // +40% but within 5
    expect(judge({ absolute: 5, relative: 0.1, better: 'lower' }, st(1000), st(1006)).verdict).toBe('pass'); // beyond 5 but within 10%
    expect(judge({ absolute: 5, relative: 0.1, better: 'lower' }, st(10), st(20)).reason).toBe('up: |Δ| 10 > 5, 100% > 10%');
  });
  it('statistical: outside the baseline CI and beyond the minimum effect', () => {
    const t: Tolerance = { statistical: { min_effect: 2, min_relative_effect: 0 }, better: 'lower' };
    expect(judge(t, st(10, 8, 12), st(11.9)).verdict).toBe('pass'); // inside CI
    expect(judge(t, st(10, 9.5, 10.5), st(11)).verdict).toBe('pass'); // outside CI, effect 1 < 2
    expect(judge(t, st(10, 9.5, 10.5), st(13))).toMatchObject({ verdict: 'regression', reason: 'up: outside baseline CI [9.5, 10.5] and |Δ| > 2' });
    expect(judge(t, st(10, 9.5, 10.5), st(7)).verdict).toBe('improvement');
  });
  it('undefined values', () => {
    expect(judge(rel, st(null), st(null)).verdict).toBe('pass');
    expect(judge(rel, st(5), st(null)).verdict).toBe('regression');
    expect(judge(rel, st(null), st(5)).verdict).toBe('improvement');
  });
  it('metricStats skips empty values', () => {
    expect(metricStats([null, null])).toEqual({ mean: null, ci: [null, null], n: 0, sd: null });
    expect(metricStats([1, 3, null]).mean).toBe(2);
  });
});

function results(policy: string, wasted: number, hash = 'h1', version = '0.1.0'): SuiteResults {
  return {
    swarmsim: version,
    suite: 'demo',
    scenarios: {
      'seed-heavy': {
        scenario_sha256: hash,
        file: 'scenarios/seed-heavy.yaml',
        replications: 3,
        seed: 7,
        policies: { client: { policy, metrics: { subject_wasted_handshakes: st(wasted, wasted - 5, wasted + 5), subject_useful_ratio: st(0.5, 0.45, 0.55) } } },
      },
    },
  };
}

describe('compareToBaseline and its renderings', () => {
  const suite = parseSuite('/x/suite.yaml', SUITE.replace(/  - file: other\.yaml[\s\S]*?absolute: 3 \}\n/, ''));
  const base = parseBaseline('b.json', serializeBaseline(results('transmission-4.1', 100)));

  it('serializes deterministically and reads back', () => {
    const a = serializeBaseline(results('transmission-4.1', 100));
    expect(a).toBe(serializeBaseline(results('transmission-4.1', 100)));
    expect(a.startsWith('{\n  "format": "swarmsim-baseline/1",')).toBe(true);
    expect(parseBaseline('b.json', a).scenarios['seed-heavy']!.policies.client!.metrics.subject_wasted_handshakes!.mean).toBe(100);
  });
  it('same numbers pass', () => {
    const r = compareToBaseline(suite, base, results('transmission-4.1', 100));
    expect(r.exitCode).toBe(0);
    expect(r.rows.map((x) => x.verdict)).toEqual(['pass', 'pass']);
    expect(textTable(r)).toMatch(/PASS: 0 regressions, 0 improvements\n$/);
  });
  it('a regression names the metric in the table, JUnit and Markdown', () => {
    const r = compareToBaseline(suite, base, results('transmission-main-2023', 150));
    expect(r.exitCode).toBe(1);
    expect(r.notes).toEqual(['seed-heavy · client: baseline policy transmission-4.1, now transmission-main-2023']);
    const table = textTable(r);
    expect(table.split('\n')[0]).toMatch(/^scenario\s+policy\s+metric\s+baseline\s+now\s+change\s+verdict\s+why$/);
    expect(table).toMatch(/subject_wasted_handshakes\s+100 \[95, 105\]\s+150 \[145, 155\]\s+\+50%\s+REGRESSION\s+up: 50% > 10%/);
    expect(table).toMatch(/FAIL: 1 regression, 0 improvements/);
    const xml = junit(r, 'demo');
    expect(xml).toContain('<testsuites name="swarmsim check demo" tests="2" failures="1" errors="0" skipped="0">');
    expect(xml).toMatch(/<testcase classname="swarmsim\.seed-heavy\.client" name="subject_wasted_handshakes"><failure type="regression" message="subject_wasted_handshakes regressed: baseline 100 \[95, 105\], now 150/);
    const md = markdown(r, 'demo');
    expect(md).toContain('### ❌ swarmsim check: demo — FAIL: 1 regression, 0 improvements');
    expect(md).toContain('| seed-heavy | client=transmission-main-2023 | `subject_wasted_handshakes` | 100 [95, 105] | 150 [145, 155] | +50% | **regression** ❌ |');
  });
  it('an improvement is reported as such and passes', () => {
    const r = compareToBaseline(suite, base, results('x', 50));
    expect(r.exitCode).toBe(0);
    expect(r.improvements).toBe(1);
    expect(textTable(r)).toMatch(/-50%\s+improvement/);
  });
  it('a changed scenario hash is reported as a stale baseline, not as a regression', () => {
    const r = compareToBaseline(suite, base, results('transmission-4.1', 500, 'h2'));
    expect(r.regressions).toBe(0);
    expect(r.exitCode).toBe(2);
    expect(r.rows.every((x) => x.verdict === 'scenario changed')).toBe(true);
    expect(r.notes[0]).toMatch(/^seed-heavy: scenario changed since the baseline \(hash h1 → h2\): not compared; accept it with --update$/);
    expect(junit(r, 'demo')).toContain('<error type="scenario changed"');
  });
  it('a version change is a note; a missing baseline entry is "no baseline"', () => {
    const r = compareToBaseline(suite, base, results('transmission-4.1', 100, 'h1', '0.2.0'));
    expect(r.notes).toContain('baseline made with swarmsim 0.1.0, now 0.2.0: model changes can move metrics');
    const empty = parseBaseline('b.json', serializeBaseline({ swarmsim: '0.1.0', suite: 'demo', scenarios: {} }));
    const r2 = compareToBaseline(suite, empty, results('transmission-4.1', 100));
    expect(r2.exitCode).toBe(0);
    expect(r2.rows.map((x) => x.verdict)).toEqual(['no baseline', 'no baseline']);
  });
  it.each([
    ['not JSON', '{', /^b\.json: malformed JSON/],
    ['wrong format', '{"format":"x"}', /^b\.json: not a swarmsim baseline: format: expected "swarmsim-baseline\/1"$/],
    ['bad metric', serializeBaseline(results('p', 1)).replace('"n": 5', '"n": "five"'), /scenarios\.seed-heavy\.policies\.client\.metrics\.subject_useful_ratio\.n: expected number/],
  ])('malformed baseline (%s) → InputError', (_, text, re) => {
    expect(() => parseBaseline('b.json', text)).toThrow(InputError);
    expect(() => parseBaseline('b.json', text)).toThrow(re);
  });
});
