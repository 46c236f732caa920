import { describe, expect, it } from 'vitest';
import { scenarioFieldRows, scenarioJsonSchema } from '../../sim/scenario/json-schema.js';

describe('scenario JSON Schema', () => {
  const schema = scenarioJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown> }>; required: string[]; additionalProperties: boolean };

  it('describes the input side: quantities take numbers or unit strings; unknown keys are refused', () => {
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['duration', 'torrent', 'population', 'subject']));
    expect(schema.properties.duration).toMatchObject({ type: ['number', 'string'] });
    expect((schema.properties.duration as { description: string }).description).toMatch(/seconds/);
  });

  it('keeps defaults that sit behind unit conversions', () => {
    const rtt = (schema.properties.network!.properties!.rtt as { properties: Record<string, { default?: unknown }> }).properties;
    expect(rtt.median!.default).toBe(0.08);
  });

  it('gives a documented row per field, with units in every quantity', () => {
    const rows = scenarioFieldRows();
    const paths = rows.map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining(['duration', 'torrent.size', 'population.<name>.count', 'population.<name>.arrival.poisson.rate', 'discovery.tracker.numwant']));
    for (const r of rows) if (r.type !== 'mapping') expect(r.description, r.path).not.toBe('');
    expect(rows.find((r) => r.path === 'population.<name>.count')).toMatchObject({ type: 'a whole number ≥ 0', required: true });
  });
});

describe('docs/scenarios.md', () => {
  it('holds the current field table (regenerate with swarmsim schema --markdown)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { scenarioFieldTable } = await import('../../sim/scenario/json-schema.js');
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'scenarios.md'), 'utf8');
    const table = /<!-- fields:start -->\n([\s\S]*?)<!-- fields:end -->/.exec(doc)?.[1];
    expect(table).toBe(scenarioFieldTable());
  });
});
