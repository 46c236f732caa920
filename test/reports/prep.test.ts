import { describe, expect, it } from 'vitest';
import type { ConnectionRow, PeerRow, SummaryRow, TimeseriesRun } from '../../reports/data.js';
import { COMPLETION_GRID_STEPS, completionFromArrival } from '../../reports/prep/completion.js';
import { OKABE_ITO, policyStyles } from '../../reports/palette.js';
import { rasterData, rasterMarks } from '../../reports/prep/raster.js';
import { summaryStats } from '../../reports/prep/summary.js';
import { bandSeries, completionSeries, completionShare } from '../../reports/prep/timeseries.js';

const run = (policy: string, rep: number, t: number[], cols: Record<string, (number | null)[]>): TimeseriesRun => ({ scenario: 's', policy, rep, seed: 100 + rep, point: {}, pointLabel: '', t, cols });
const sum = (policy: string, rep: number, values: Record<string, number | null>): SummaryRow => ({ scenario: 's', policy, rep, seed: 100 + rep, point: {}, pointLabel: '', values });

describe('policyStyles', () => {
  it('assigns Okabe–Ito colours in the given order, stable and unique, dashes after a wrap', () => {
    const names = Array.from({ length: 10 }, (_, i) => `p${i}`);
    const s = policyStyles(names);
    expect(s.get('p0')!.color).toBe(OKABE_ITO[0]);
    expect(s.get('p1')!.color).toBe(OKABE_ITO[1]);
    expect(s.get('p8')!.color).toBe(OKABE_ITO[0]);
    expect(s.get('p8')!.dash).not.toBe('');
    expect(policyStyles(names).get('p3')).toEqual(s.get('p3'));
    expect(policyStyles(['a', 'b', 'a']).size).toBe(2);
  });
});

describe('bandSeries', () => {
  it('averages replications per time with a 95% interval, per policy', () => {
    const runs = [run('a', 0, [60, 120], { x: [1, 2] }), run('a', 1, [60, 120], { x: [3, 4] }), run('b', 0, [60], { x: [10] })];
    const s = bandSeries(runs, 'x', ['a', 'b']);
    const a = s.get('a')!;
    expect(a.map((p) => [p.t, p.mean, p.n])).toEqual([
      [60, 2, 2],
      [120, 3, 2],
    ]);
    expect(a[0]!.hi - a[0]!.mean).toBeCloseTo((12.7062 * Math.SQRT2) / Math.SQRT2, 3);
    expect(s.get('b')).toEqual([{ t: 60, mean: 10, lo: 10, hi: 10, n: 1 }]);
  });
  it('skips empty cells and aligns replications of different lengths', () => {
    const s = bandSeries([run('a', 0, [60, 120], { x: [null, 2] }), run('a', 1, [60], { x: [4] })], 'x', ['a']);
    expect(s.get('a')!.map((p) => [p.t, p.mean, p.n])).toEqual([
      [60, 4, 1],
      [120, 2, 1],
    ]);
  });
});

describe('completion CDF', () => {
  it('scales the cumulative count so that it ends at completed_fraction, in percent', () => {
    const r = run('a', 0, [60, 120, 180], { subject_completed_total: [1, 3, 4] });
    expect(completionShare(r, 'subject', sum('a', 0, { subject_completed_fraction: 0.8 }))).toEqual([20, 60, 80]);
    expect(completionShare(r, 'subject', undefined)).toEqual([25, 75, 100]);
    expect(completionShare(run('a', 0, [60], { subject_completed_total: [0] }), 'subject', undefined)).toEqual([0]);
  });
  it('starts at zero at t = 0', () => {
    const r = run('a', 0, [60, 120], { subject_completed_total: [1, 2], swarm_completed_total: [2, 4] });
    const s = completionSeries([r], ['a'], () => sum('a', 0, { subject_completed_fraction: 1, swarm_completed_fraction: 0.5 }));
    expect(s.subject.get('a')!.map((p) => [p.t, p.mean])).toEqual([
      [0, 0],
      [60, 50],
      [120, 100],
    ]);
    expect(s.swarm.get('a')!.at(-1)!.mean).toBe(50);
  });
});

describe('completion CDF from arrival (peers.csv)', () => {
  const peer = (policy: string, rep: number, group: string, arrival: number | null, completion: number | null): PeerRow => ({ scenario: 's', policy, rep, seed: 100 + rep, pointLabel: '', group, arrival, completion });
  const at = (pts: { t: number; mean: number }[], t: number): number => pts.find((p) => Math.abs(p.t - t) < 1e-9)!.mean;

  it("counts each leecher's time from its own arrival, not from the start of the run", () => {
    // Two leechers of one run: arrive at 0 and at 500, each takes 100 s. From the start the CDF
    // would reach 50 % at 100 s and 100 % only at 600 s; from arrival both are done at 100 s.
    const peers = [peer('a', 0, 'sub', 0, 100), peer('a', 0, 'crowd', 500, 600)];
    const s = completionFromArrival(peers, [sum('a', 0, { subject_completed_fraction: 1, swarm_completed_fraction: 1 })], ['a'], 'sub');
    const swarm = s.swarm.get('a')!;
    expect(swarm).toHaveLength(COMPLETION_GRID_STEPS + 1);
    expect(swarm[0]).toMatchObject({ t: 0, mean: 0 });
    expect(swarm.at(-1)).toMatchObject({ t: 100, mean: 100 });
    expect(at(swarm, 99)).toBe(0);
    // The subject group is the peers of the named group only.
    expect(s.subject.get('a')!.at(-1)!.mean).toBe(100);
  });

  it('ends at completed_fraction, averages replications and ignores other runs and unfinished leechers', () => {
    const peers = [
      peer('a', 0, 'sub', 10, 60), // 50 s
      peer('a', 0, 'crowd', 20, null), // never finished
      peer('a', 1, 'sub', 0, 100), // 100 s
      peer('a', 1, 'crowd', 30, 80), // 50 s
      peer('b', 0, 'crowd', 0, 1000), // another policy, not asked for
      { ...peer('a', 0, 'crowd', 0, 5), pointLabel: 'x=1' }, // another sweep point
    ];
    const runs = [sum('a', 0, { subject_completed_fraction: 1, swarm_completed_fraction: 0.5 }), sum('a', 1, { subject_completed_fraction: 1, swarm_completed_fraction: 1 })];
    const s = completionFromArrival(peers, runs, ['a'], 'sub');
    const swarm = s.swarm.get('a')!;
    expect(swarm.at(-1)!.t).toBe(100);
    // τ = 50: rep 0 has 1 of 2 (50 %), rep 1 has 1 of 2 (50 %); τ = 100: 50 % and 100 %.
    expect(at(swarm, 50)).toBe(50);
    expect(swarm.at(-1)!.mean).toBe(75);
    expect(swarm.at(-1)!.n).toBe(2);
    expect(at(s.subject.get('a')!, 50)).toBe(50);
  });

  it('draws no curve for a group without leechers', () => {
    const s = completionFromArrival([peer('a', 0, 'crowd', 0, 10)], [sum('a', 0, { subject_completed_fraction: null, swarm_completed_fraction: 1 })], ['a'], 'sub');
    expect(s.subject.get('a')).toEqual([]);
    expect(s.swarm.get('a')!.at(-1)!.mean).toBe(100);
  });
});

describe('summaryStats', () => {
  it('pairs runs on seed for the difference to the reference policy', () => {
    const rows = [sum('ref', 0, { m: 10 }), sum('ref', 1, { m: 20 }), sum('new', 0, { m: 12 }), sum('new', 1, { m: 22 })];
    const st = summaryStats(rows, ['m'], ['ref', 'new']);
    const ref = st.find((s) => s.policy === 'ref')!;
    const nw = st.find((s) => s.policy === 'new')!;
    expect(ref.diff).toBeNull();
    expect(ref.mean).toBe(15);
    expect(nw.diff).toEqual({ mean: 2, lo: 2, hi: 2 }); // identical paired differences: zero-width interval
    expect(nw.hi! - nw.lo!).toBeGreaterThan(50); // unpaired interval is wide
  });
  it('keeps sweep points apart and leaves undefined metrics null', () => {
    const rows: SummaryRow[] = [
      { ...sum('a', 0, { m: 1 }), point: { x: '1' }, pointLabel: 'x=1' },
      { ...sum('a', 0, { m: null }), point: { x: '2' }, pointLabel: 'x=2' },
    ];
    const st = summaryStats(rows, ['m'], ['a']);
    expect(st.map((s) => [s.pointLabel, s.mean])).toEqual([
      ['x=1', 1],
      ['x=2', null],
    ]);
  });
});

describe('rasterData', () => {
  const c = (policy: string, rep: number, from: number, to: number, t: number, outcome = 'wasted', from_group = 'subject'): ConnectionRow => ({
    scenario: 's', policy, rep, seed: 100 + rep, pointLabel: '', t_dial: t, t_connect: null, t_handshake: null, t_close: null, from, to, from_group, to_group: 'swarm',
    from_client: 'transmission', to_client: 'transmission', outcome, close_reason: '', closed_by: '', bytes_from_to: 0, bytes_to_from: 0,
  });
  it('picks the busiest subject peer of the lowest replication traced for every policy, same peer in every panel', () => {
    const conns = [
      c('a', 1, 5, 9, 1), c('a', 1, 5, 9, 2), c('a', 1, 5, 8, 3), c('a', 1, 6, 9, 1),
      c('b', 1, 5, 7, 4), c('b', 1, 6, 7, 1), c('b', 1, 6, 7, 2), c('b', 0, 6, 7, 9),
      c('a', 2, 6, 9, 1), c('a', 2, 6, 9, 2), c('a', 2, 6, 9, 3), c('a', 2, 6, 9, 4),
      c('b', 1, 1, 5, 1, 'useful', 'swarm'),
    ];
    const r = rasterData(conns, 's', ['a', 'b'])!;
    expect(r.peer).toBe(5); // rep 1 is the lowest common replication; peer 5 has 4 dials there, peer 6 has 3
    expect(r.panels.map((p) => [p.policy, p.rep, p.dials.length])).toEqual([
      ['a', 1, 3],
      ['b', 1, 1],
    ]);
    expect(r.remotes).toEqual([9, 8, 7]);
  });
  it('is null without subject dials', () => {
    expect(rasterData([c('a', 0, 1, 2, 3, 'useful', 'swarm')], 's', ['a'])).toBeNull();
  });
  it('uses the named subject group and keeps the most dialled remote rows', () => {
    const conns = [c('a', 0, 1, 10, 1, 'wasted', 'me'), c('a', 0, 1, 11, 2, 'wasted', 'me'), c('a', 0, 1, 11, 3, 'wasted', 'me'), c('a', 0, 1, 12, 4, 'wasted', 'me'), c('a', 0, 1, 12, 5, 'wasted', 'me')];
    expect(rasterData(conns, 's', ['a'])).toBeNull();
    const r = rasterData(conns, 's', ['a'], { subjectGroup: 'me', maxRows: 2 })!;
    expect(r.remotes).toEqual([11, 12]);
    expect(r.hiddenRemotes).toBe(1);
    expect(r.panels[0]!.total).toBe(5);
    expect(r.panels[0]!.dials).toHaveLength(4);
  });
});

describe('rasterMarks', () => {
  const d = (t: number, remote: number, outcome: string) => ({ t, remote, outcome, tEnd: null, tHandshake: null, reason: '', bytes: 0 });
  it('one mark per dial up to the limit', () => {
    const m = rasterMarks([d(1, 1, 'wasted'), d(2, 1, 'refused')], 600, 2);
    expect(m.binSeconds).toBeNull();
    expect(m.marks.map((x) => [x.t, x.outcome, x.count])).toEqual([
      [1, 'wasted', 1],
      [2, 'refused', 1],
    ]);
  });
  it('beyond it, one mark per peer and round time bin with the most frequent outcome', () => {
    const dials = [d(0, 1, 'refused'), d(1, 1, 'refused'), d(2, 1, 'wasted'), d(3, 2, 'wasted'), d(3.5, 2, 'refused'), d(7, 1, 'useful')];
    const m = rasterMarks(dials, 1000, 3); // 1000/200 = 5 → 5 s bins
    expect(m.binSeconds).toBe(5);
    expect(m.marks.map((x) => [x.t, x.remote, x.outcome, x.count])).toEqual([
      [2.5, 1, 'refused', 3],
      [2.5, 2, 'wasted', 2], // tie: wasted ranks first
      [7.5, 1, 'useful', 1],
    ]);
    expect(m.marks[0]!.outcomes).toEqual({ refused: 2, wasted: 1 });
  });
});

describe('completion of a group without leechers', () => {
  it('gives no curve instead of a flat zero', () => {
    const r: TimeseriesRun = { scenario: 's', policy: 'a', rep: 0, seed: 1, point: {}, pointLabel: '', t: [60, 120], cols: { subject_completed_total: [0, 0] } };
    const s: SummaryRow = { scenario: 's', policy: 'a', rep: 0, seed: 1, point: {}, pointLabel: '', values: { subject_completed_fraction: null } };
    expect(completionShare(r, 'subject', s)).toEqual([null, null]);
  });
});
