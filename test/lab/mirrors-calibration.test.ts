import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrate, foldRetries, labCases, simulateTwins, TARGET_METRICS, verdict, type Calibration } from '../../lab/calibrate/compare.js';
import { REAL_CLIENT_NOTES } from '../../lab/calibrate/notes.js';
import { buildRealClientsDoc } from '../../lab/calibrate/report.js';
import { twinTraceCsv, twinYaml } from '../../lab/calibrate/twin.js';
import { runOne } from '../../sim/experiments/run-one.js';
import { estimate } from '../../sim/statistics.js';
import { getPolicyFactory } from '../../sim/policies/registry.js';

/**
 * Each mirror against the committed real runs (lab/runs/*.metrics), without real clients: the
 * twins of every run (lab/twins/), 10 replications each, must put the subject's wasted
 * handshakes and repeat_wasted within the real runs' 95 % CI or within 20 % (issue 14's target).
 * A second of one core.
 */
const root = join(import.meta.dirname, '..', '..');
const cases = labCases(root);
const cals: Calibration[] = cases.map((c) => calibrate(c));

describe('mirrors predict the committed real runs', () => {
  it('covers every lab file with committed runs, each client kind the lab ran', () => {
    expect(cases.map((c) => c.lab.name)).toEqual(['seeds-libtorrent', 'seeds-transmission-slow-leecher', 'seeds-transmission', 'two-seeds', 'webtorrent-loop']);
    expect(new Set(cals.map((c) => c.policy))).toEqual(new Set(['libtorrent-2.0', 'transmission-3.0', 'webtorrent']));
  });

  for (const c of cals) {
    it(`${c.case.lab.name}: ${c.policy} within the real CI or 20 % on ${TARGET_METRICS.join(' and ')}`, () => {
      const misses = c.rows.filter((r) => TARGET_METRICS.includes(r.metric) && r.verdict === 'differs');
      expect(misses.map((r) => `${r.metric}: real ${r.real.mean}, sim ${r.sim.mean}`)).toEqual([]);
    });
  }

  it('the libtorrent seeds re-dial every other seed and the completed leechers 60 s apart, dial for dial within a pulse', () => {
    const lt = cals.find((c) => c.case.lab.name === 'seeds-libtorrent')!;
    const pairs = lt.dials.filter((d) => d.match || d.otherWay).length;
    expect(pairs).toBeGreaterThanOrEqual(lt.dials.length - 1);
  });

  it('a mirror that is wrong fails the same check (naive on the libtorrent lab)', () => {
    const c = cases.find((x) => x.lab.name === 'seeds-libtorrent')!;
    const { factory, params } = getPolicyFactory('naive');
    const s = c.twins[0]!.scenario;
    const wasted = [0, 1, 2].map((rep) => Number(runOne({ scenario: s, policy: 'naive', factory, params, rep, seed: 1 + rep, trace: 'none' }).summary.subject_wasted_handshakes));
    const real = cals.find((x) => x.case.lab.name === 'seeds-libtorrent')!.rows.find((r) => r.metric === 'subject_wasted_handshakes')!.real;
    expect(verdict(real, estimate(wasted))).toBe('differs');
  });

  it('verdicts: in the CI, within 20 %, or neither', () => {
    expect(verdict(estimate([10, 12, 14]), estimate([13, 13]))).toBe('in CI');
    expect(verdict(estimate([10]), estimate([11.9, 11.9]))).toBe('within 20%');
    expect(verdict(estimate([10]), estimate([12.5, 12.5]))).toBe('differs');
    expect(verdict(estimate([0, 0, 0]), estimate([0.5, 0.5]))).toBe('differs');
  });

  it("Transmission's plaintext retry is folded into the dial it retries", () => {
    const f = foldRetries([
      { t: 31.6, dir: '→', failed: true },
      { t: 32.6, dir: '→', failed: true },
      { t: 61.8, dir: '→', failed: true },
      { t: 91.8, dir: '→', failed: false },
      { t: 92.8, dir: '→', failed: true },
    ]);
    expect(f.map((d) => [d.t, d.retry === true])).toEqual([[31.6, true], [61.8, false], [91.8, false], [92.8, false]]);
  });
});

describe('generated files are current (regenerate with npm run docs:real-clients)', () => {
  it('lab/twins/ holds each run\'s twin and its subject arrival trace', () => {
    for (const c of cases) {
      for (const { twin } of c.twins) {
        expect(readFileSync(join(root, 'lab', 'twins', `${twin.name}.yaml`), 'utf8')).toBe(twinYaml(c.lab, twin));
        expect(readFileSync(join(root, 'lab', 'twins', `${twin.name}.subject.csv`), 'utf8')).toBe(twinTraceCsv(twin));
      }
    }
  });

  it('docs/real-clients.md holds the current tables', () => {
    expect(readFileSync(join(root, 'docs', 'real-clients.md'), 'utf8')).toBe(buildRealClientsDoc(cals, REAL_CLIENT_NOTES));
  });

  it('a twin is deterministic', () => {
    const c = cases.find((x) => x.lab.name === 'two-seeds')!;
    expect(simulateTwins(c)[0]!.map((r) => r.summary)).toEqual(simulateTwins(c)[0]!.map((r) => r.summary));
  });
});
