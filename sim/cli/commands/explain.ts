import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { instantiate, resolvePolicy } from '../../experiments/policy-ref.js';
import type { PolicyFactory, PolicyParams } from '../../policies/policy.js';

interface ExplainArgs {
  policy: string;
}

interface ExplainApi {
  explainPolicy(factory: PolicyFactory, params: PolicyParams): unknown;
  formatExplain(rows: unknown): string;
}

// TEMPORARY until sim/policies/explain.ts lands: imported by name so the CLI builds without it.
const EXPLAIN = '../../policies/explain.js';

/** `swarmsim explain <policy>`: the retry schedule a policy applies. */
export const explainCommand: CommandModule<object, ExplainArgs> = {
  command: 'explain <policy>',
  describe: "a policy's retry schedule: wait after 0, 1, 2… fruitless connections and failures",
  builder: (y: Argv) =>
    y
      .positional('policy', { type: 'string', describe: 'built-in name with parameters, or a module path', demandOption: true })
      .example('$0 explain transmission-4.1', '') as unknown as Argv<ExplainArgs>,
  handler: async (args: ArgumentsCamelCase<ExplainArgs>) => {
    const ref = await resolvePolicy(args.policy);
    const { factory, params } = await instantiate(ref);
    const mod = (await import(EXPLAIN)) as ExplainApi;
    const text = mod.formatExplain(mod.explainPolicy(factory, params));
    process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  },
};
