import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { PACKAGE_ROOT } from '../../experiments/package-info.js';
import { PEER_DEFS, SUMMARY_DEFS, TIMESERIES_DEFS, type MetricDef } from '../../metrics/columns.js';
import { listPolicies } from '../../policies/registry.js';

interface ListArgs {
  what: 'policies' | 'scenarios' | 'metrics';
}

function aligned(rows: [string, string][]): string {
  const w = Math.max(0, ...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `${a.padEnd(w)}  ${b}`.trimEnd()).join('\n') + '\n';
}

/** Built-in scenarios: scenarios/*.yaml of the package, with their description (or first comment line). */
export function builtInScenarios(): [string, string][] {
  const dir = join(PACKAGE_ROOT, 'scenarios');
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return [];
  }
  return names.map((n) => {
    const text = readFileSync(join(dir, n), 'utf8');
    let desc = '';
    try {
      const doc = parse(text) as { description?: unknown } | null;
      if (typeof doc?.description === 'string') desc = doc.description.split('\n')[0]!.trim();
    } catch {
      desc = '(unreadable YAML)';
    }
    if (!desc) {
      const c = text.split('\n').find((l) => /^#\s*\S/.test(l));
      desc = c ? c.replace(/^#\s*/, '') : '';
    }
    return [`scenarios/${n}`, desc];
  });
}

/** `swarmsim list policies|scenarios|metrics`. */
export const listCommand: CommandModule<object, ListArgs> = {
  command: 'list <what>',
  describe: 'list built-in policies, scenarios or metrics, one per line with a description',
  builder: (y: Argv) =>
    y.positional('what', { choices: ['policies', 'scenarios', 'metrics'] as const, describe: 'what to list', demandOption: true }) as unknown as Argv<ListArgs>,
  handler: (args: ArgumentsCamelCase<ListArgs>) => {
    if (args.what === 'policies') {
      const rows: [string, string][] = listPolicies().map((f) => {
        const params = f.params.length ? ` (parameters: ${f.params.map((p) => `${p.name}=${String(p.default)}`).join(', ')})` : '';
        return [f.name, f.description + params];
      });
      process.stdout.write(aligned(rows));
    } else if (args.what === 'scenarios') {
      process.stdout.write(aligned(builtInScenarios()));
    } else {
      const rows: [string, string][] = [
        ...SUMMARY_DEFS.map((d): [string, string] => [`{subject,swarm}_${d.name}`, `summary: ${line(d)}`]),
        ...TIMESERIES_DEFS.map((d): [string, string] => [`{subject,swarm}_${d.name}`, `time series (per sampling interval): ${line(d)}`]),
        ...PEER_DEFS.map((d): [string, string] => [d.name, `peers.csv (per peer and run): ${line(d)}`]),
      ];
      process.stdout.write(aligned(rows));
    }
  },
};

/** A metric's description and unit, as `list metrics` prints it. */
function line(d: MetricDef): string {
  return d.unit ? `${d.description} [${d.unit}]` : d.description;
}
