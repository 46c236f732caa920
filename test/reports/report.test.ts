import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../reports/report.js';
import { InputError } from '../../sim/input-error.js';
import { tempDir, writeFixture } from './fixtures.js';

describe('writeReport', () => {
  it('writes SVG and PNG plots and a self-contained report.html, atomically, with byte-stable PNGs', async () => {
    const dir = tempDir();
    writeFixture(dir);
    const first = await writeReport(dir);
    expect(first.html).toBe(join(dir, 'report.html'));
    expect(first.plots.map((p) => p.slice(dir.length + 1)).sort()).toEqual(
      ['churn', 'completion', 'raster', 'summary', 'wasted'].flatMap((n) => [`plots/${n}.png`, `plots/${n}.svg`]).sort(),
    );
    const png = readFileSync(join(dir, 'plots', 'churn.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const html = readFileSync(first.html, 'utf8');
    // nothing loaded from elsewhere: no external scripts, styles, images or fonts
    expect(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src=|@import|url\(\s*['"]?https?:/i.test(html)).toBe(false);
    expect(html).toContain('id="report-data"');
    expect(html.match(/<svg /g)).toHaveLength(5);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readdirSync(join(dir, 'plots')).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const svgs = first.plots.filter((p) => p.endsWith('.svg')).map((p) => readFileSync(p, 'utf8'));
    const pngs = first.plots.filter((p) => p.endsWith('.png')).map((p) => readFileSync(p));
    await writeReport(dir);
    expect(first.plots.filter((p) => p.endsWith('.svg')).map((p) => readFileSync(p, 'utf8'))).toEqual(svgs);
    expect(first.plots.filter((p) => p.endsWith('.png')).map((p) => readFileSync(p)).every((b, i) => b.equals(pngs[i]!))).toBe(true);
    expect(readFileSync(first.html, 'utf8')).toBe(html);
  });

  it('works without connections.csv and manifest.json, saying what is missing', async () => {
    const dir = tempDir();
    writeFixture(dir, { withConnections: false, withManifest: false });
    const r = await writeReport(dir);
    const html = readFileSync(r.html, 'utf8');
    expect(html).toContain('run with --trace');
    expect(html).toContain('No manifest.json');
    expect(r.plots.some((p) => p.includes('raster'))).toBe(false);
  });

  it("draws the completion CDF from each leecher's arrival when peers.csv is there, from the start without it", async () => {
    const dir = tempDir();
    writeFixture(dir);
    const before = readFileSync(join((await writeReport(dir)).plots.find((p) => p.endsWith('completion.svg'))!), 'utf8');
    expect(before).toContain('time since start');
    expect(before).toContain('no peers.csv');
    // One late leecher per run: 200 s after a 1 000 s arrival. From arrival, the curve ends at 200 s.
    const runs = readFileSync(join(dir, 'summary.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',').slice(0, 4).join(','));
    writeFileSync(join(dir, 'peers.csv'), 'scenario,policy,rep,seed,peer,group,role,client,arrival,completion,departure,bytes_up,bytes_down,connections\n' + runs.map((k) => `${k},0,subject,leecher,transmission,1000,1200,,0,0,1\n`).join(''));
    const r = await writeReport(dir);
    const svg = readFileSync(r.plots.find((p) => p.endsWith('completion.svg'))!, 'utf8');
    expect(svg).toContain('time since arrival');
    expect(svg).not.toContain('no peers.csv');
    expect(readFileSync(r.html, 'utf8')).toContain('from each leecher\u2019s arrival (peers.csv)');
  });

  it('one set of charts per scenario when the directory holds several', async () => {
    const dir = tempDir();
    writeFixture(dir, { scenario: 'A x' });
    const b = tempDir();
    writeFixture(b, { scenario: 'b' });
    for (const f of ['summary.csv', 'timeseries.csv', 'connections.csv']) {
      const extra = readFileSync(join(b, f), 'utf8').split('\n').slice(1).join('\n');
      writeFileSync(join(dir, f), readFileSync(join(dir, f), 'utf8') + extra);
    }
    const r = await writeReport(dir);
    expect(r.plots.filter((p) => p.endsWith('.svg')).map((p) => p.split('/').pop()).sort()).toEqual(
      ['churn', 'completion', 'raster', 'summary', 'wasted'].flatMap((n) => [`${n}-a-x.svg`, `${n}-b.svg`]).sort(),
    );
  });

  it('a sweep gets time series and a raster per point, and one summary with the points side by side', async () => {
    const dir = tempDir();
    writeFixture(dir, { points: ['10', '20'] });
    const r = await writeReport(dir);
    const names = r.plots.filter((p) => p.endsWith('.svg')).map((p) => p.split('/').pop()).sort();
    expect(names).toEqual(
      [
        ...['churn', 'completion', 'raster', 'wasted'].flatMap((n) => [`${n}-seed-heavy-population-leechers-count-10.svg`, `${n}-seed-heavy-population-leechers-count-20.svg`]),
        'summary.svg',
        'sweep-population-leechers-count.svg',
        'sweep-population-leechers-count-diff.svg',
      ].sort(),
    );
    const summary = readFileSync(join(dir, 'plots', 'summary.svg'), 'utf8');
    expect(summary).toContain('population.leechers.count=10');
    expect(summary).toContain('population.leechers.count=20');
    // each point's churn chart averages that point's runs only: 3 replications, not 6
    const html = readFileSync(r.html, 'utf8');
    const data = JSON.parse(html.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)![1]!);
    expect(data.charts['churn-seed-heavy-population-leechers-count-10'].facets.subject.series['transmission-4.1'][0][4]).toBe(3);
    // the swept key's chart, from summary.csv (this fixture has no comparison.csv): 2 points per policy and metric
    expect(html).toContain('id="q-sweep"');
    expect(html).toContain('change.sweep');
    const sweep = readFileSync(join(dir, 'plots', 'sweep-population-leechers-count.svg'), 'utf8');
    const wasted = sweep.match(/<g class="sweep-block" data-metric="subject_wasted_handshakes".*?<\/g><g class="sweep-block"/s)![0];
    expect(wasted.match(/<circle class="point"/g)).toHaveLength(2 * 3);
    expect(readFileSync(join(dir, 'plots', 'sweep-population-leechers-count-diff.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('a plain run has no sweep section, chart or script, also with a one-value override column', async () => {
    const dir = tempDir();
    writeFixture(dir, { points: ['10'] });
    const r = await writeReport(dir);
    expect(r.plots.some((p) => p.includes('sweep'))).toBe(false);
    const html = readFileSync(r.html, 'utf8');
    expect(html).not.toContain('q-sweep');
    expect(html).not.toContain('change.sweep');
    expect(html.match(/<script>/g)).toHaveLength(2);
  });

  it('missing or malformed inputs are InputErrors with one clear line, and nothing is written', async () => {
    const dir = tempDir();
    writeFixture(dir);
    rmSync(join(dir, 'timeseries.csv'));
    await expect(writeReport(dir)).rejects.toThrow(InputError);
    await expect(writeReport(dir)).rejects.toThrow(`${join(dir, 'timeseries.csv')}: cannot read the file`);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);

    const bad = tempDir();
    writeFixture(bad);
    const s = readFileSync(join(bad, 'summary.csv'), 'utf8').split('\n');
    s[2] = s[2]!.replace(/,\d+(\.\d+)?,/, ',abc,');
    writeFileSync(join(bad, 'summary.csv'), s.join('\n'));
    await expect(writeReport(bad)).rejects.toThrow(/summary\.csv:3: column \w+: expected a number, got "abc"/);

    const noCol = tempDir();
    writeFixture(noCol);
    writeFileSync(join(noCol, 'timeseries.csv'), 'scenario,policy,rep,seed,t\ns,p,0,1,60\n');
    await expect(writeReport(noCol)).rejects.toThrow(/timeseries\.csv: missing columns subject_churn_per_peer_min/);

    const badJson = tempDir();
    writeFixture(badJson);
    writeFileSync(join(badJson, 'manifest.json'), '{"version": ');
    await expect(writeReport(badJson)).rejects.toThrow(/manifest\.json: malformed JSON/);

    await expect(writeReport(join(dir, 'nope'))).rejects.toThrow(/no such output directory/);
  });
});
