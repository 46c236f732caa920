import { describe, expect, it } from 'vitest';
import {
  LEAGUE_METRICS,
  clientMirrors,
  fmt,
  leagueCells,
  readmeClientsTable,
  renderClientsDoc,
  replaceBetweenMarkers,
  type LeagueScenario,
} from '../../reports/clients-table.js';
import type { MetricValue } from '../../sim/metrics/columns.js';
import { getPolicyFactory } from '../../sim/policies/registry.js';

function summary(wasted: number, useful: number): Record<string, MetricValue> {
  return {
    subject_wasted_handshakes_per_hour: wasted,
    subject_repeat_wasted: wasted / 2,
    subject_churn_per_peer_min: wasted / 100,
    subject_useful_ratio: useful,
    subject_completion_s_p50: null,
  };
}

/** Two clients, three seeds: b wastes 10 more on every seed and is less useful. */
function scenario(): LeagueScenario {
  const a = getPolicyFactory('biglybt').factory;
  const b = getPolicyFactory('rqbit').factory;
  return {
    name: 'demo',
    file: 'scenarios/demo.yaml',
    settings: '1 h',
    seeds: [1, 2, 3],
    clients: [
      { factory: b, runs: new Map([1, 2, 3].map((s) => [s, summary(100 + s + 10, 0.1)])) },
      { factory: a, runs: new Map([1, 2, 3].map((s) => [s, summary(100 + s, 0.2 + s / 100)])) },
    ],
  };
}

describe('docs/clients.md league table', () => {
  it('takes every client mirror from the registry (policies that name their client), and no generic family', () => {
    const names = clientMirrors().map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['transmission-4.1', 'libtorrent-2.1', 'libtorrent-1.2.12', 'biglybt', 'rqbit', 'anacrolix-torrent']));
    expect(names).not.toContain('naive');
    expect(names).not.toContain('exp-backoff');
    for (const f of clientMirrors()) expect(f.rule, f.name).toBeTruthy();
  });

  it('ratios to the best mean (lowest, highest for the useful ratio) and paired differences over the same seeds', () => {
    const cells = leagueCells(scenario());
    const wasted = LEAGUE_METRICS.findIndex((m) => m.key === 'subject_wasted_handshakes_per_hour');
    const useful = LEAGUE_METRICS.findIndex((m) => m.key === 'subject_useful_ratio');
    const rq = cells[0]!;
    const bb = cells[1]!;
    expect(bb[wasted]!.best).toBe(true);
    expect(rq[wasted]!.ratio).toBeCloseTo(112 / 102, 12);
    // a constant paired difference: mean 10, zero-width interval
    expect(rq[wasted]!.diff!.mean).toBeCloseTo(10, 12);
    expect(rq[wasted]!.diff!.ciLow).toBeCloseTo(10, 12);
    expect(rq[wasted]!.diff!.ciHigh).toBeCloseTo(10, 12);
    expect(bb[useful]!.best).toBe(true);
    expect(rq[useful]!.ratio).toBeCloseTo(0.1 / 0.22, 12);
    expect(rq[useful]!.diff!.mean).toBeCloseTo(-0.12, 12);
    const completion = LEAGUE_METRICS.findIndex((m) => m.key === 'subject_completion_s_p50');
    expect(rq[completion]!.est.mean).toBeNull();
  });

  it('renders both tables, the settings and one sentence per client; the README table carries the wasted column', () => {
    const doc = renderClientsDoc([scenario()], { reps: 3, command: 'npm run docs:clients' });
    expect(doc).toContain('`scenarios/demo.yaml`: 1 h; seeds 1, 2, 3.');
    expect(doc).toContain('| `rqbit` | 112 ± 2.48 (×1.10) |');
    expect(doc).toContain('| `biglybt` | **102 ± 2.48 (×1.00)** |');
    expect(doc).toMatch(/\| `rqbit` \| \+10 \[10, 10\] \|/);
    expect(doc).toContain(`- \`biglybt\` (biglybt kind): ${getPolicyFactory('biglybt').factory.rule}.`);
    const readme = readmeClientsTable([scenario()]);
    expect(readme.split('\n')[2]).toBe('| `rqbit` | 112 (×1.10) |');
    expect(replaceBetweenMarkers('a\n<!-- clients:start -->\nold\n<!-- clients:end -->\nb', 'clients', 'new\n')).toBe(
      'a\n<!-- clients:start -->\nnew\n<!-- clients:end -->\nb',
    );
    expect(fmt(0.000123456)).toBe('0.000123');
    expect(fmt(123456.7)).toBe('123457');
  });
});
