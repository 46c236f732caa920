import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../sim/experiments/experiment.js';
import type { ComparisonRow } from '../../sim/experiments/output.js';
import { PACKAGE_ROOT } from '../../sim/experiments/package-info.js';
import { studentTQuantile } from '../../sim/statistics.js';

/**
 * Common random numbers on the default scenario: every policy meets the same swarm for a given
 * seed, so the paired difference to the reference policy (same seeds) has a narrower 95% interval
 * than the unpaired comparison of the two means would give.
 */
describe('paired differences on the default scenario', () => {
  it('are tighter than unpaired ones for swarm metrics the policy changes', async () => {
    const res = await runExperiment({
      scenario: join(PACKAGE_ROOT, 'scenarios', 'seed-heavy.yaml'),
      policies: ['transmission-4.1', 'transmission-4.0'],
      reps: 5,
      jobs: 1,
    });
    expect(res.failures).toEqual([]);
    const row = (policy: string, metric: string): ComparisonRow => res.comparison.find((r) => r.policy === policy && r.metric === metric)!;
    const halfWidths = (metric: string): { paired: number; unpaired: number; diff: number } => {
      const a = row('transmission-4.1', metric);
      const b = row('transmission-4.0', metric);
      expect(b.ref_policy).toBe('transmission-4.1');
      expect(a.diff_mean).toBeNull();
      const unpaired = studentTQuantile(0.975, a.n + b.n - 2) * Math.sqrt(a.sd! ** 2 / a.n + b.sd! ** 2 / b.n);
      return { paired: (b.diff_ci_high! - b.diff_ci_low!) / 2, unpaired, diff: b.diff_mean! };
    };
    for (const metric of ['swarm_wasted_handshakes', 'swarm_churn_per_peer_min']) {
      const w = halfWidths(metric);
      expect(w.diff, metric).not.toBe(0);
      expect(w.paired, metric).toBeLessThan(w.unpaired / 2);
    }
    // What the subject policy barely touches (the leechers' convergence; the subject seeds'
    // dials move a few blocks) differs run for run by a hair: the paired interval is a tiny
    // fraction of the unpaired one.
    const same = halfWidths('swarm_convergence_s');
    expect(same.unpaired).toBeGreaterThan(10);
    expect(same.paired).toBeLessThan(same.unpaired / 100);
  });
});
