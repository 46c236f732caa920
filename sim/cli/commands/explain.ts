import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { instantiate, resolvePolicy } from '../../experiments/policy-ref.js';
import { explainPolicy, formatExplain } from '../../policies/explain.js';

interface ExplainArgs {
  policy: string;
}

/** `swarmsim explain <policy>`: the retry schedule a policy applies. */
export const explainCommand: CommandModule<object, ExplainArgs> = {
  command: 'explain <policy>',
  describe: "a policy's retry schedule: wait after 0, 1, 2… fruitless connections and failures",
  builder: (y: Argv) =>
    y
      .positional('policy', { type: 'string', describe: 'built-in name with parameters, or a module path', demandOption: true })
      .example('$0 explain transmission-4.1', '')
      .example('$0 explain exp-backoff:base=30,cap=600', '') as unknown as Argv<ExplainArgs>,
  handler: async (args: ArgumentsCamelCase<ExplainArgs>) => {
    const ref = await resolvePolicy(String(args.policy));
    const { factory, params } = await instantiate(ref);
    const text = formatExplain(explainPolicy(factory, params), `${ref.label}: ${factory.description}`);
    process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  },
};
