import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { writeFileAtomic, errCode } from '../../experiments/atomic.js';
import { InputError } from '../../input-error.js';
import { scenarioFieldTable, scenarioJsonSchema } from '../../scenario/json-schema.js';

interface SchemaArgs {
  out?: string;
  markdown: boolean;
}

/** `swarmsim schema`: the scenario JSON Schema, for editors and CI validation. */
export const schemaCommand: CommandModule<object, SchemaArgs> = {
  command: 'schema',
  describe: 'write the JSON Schema of scenario files (stdout, or --out FILE)',
  builder: (y: Argv) =>
    y
      .option('out', { type: 'string', describe: 'write to this file instead of stdout', requiresArg: true })
      .option('markdown', { type: 'boolean', default: false, describe: 'the field table of docs/scenarios.md instead of the JSON Schema' })
      .example('$0 schema --out scenario.schema.json', 'then point your editor at it (docs/scenarios.md)') as unknown as Argv<SchemaArgs>,
  handler: (args: ArgumentsCamelCase<SchemaArgs>) => {
    const text = args.markdown ? scenarioFieldTable() : JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
    if (args.out === undefined || args.out === '-') {
      process.stdout.write(text);
      return;
    }
    try {
      writeFileAtomic(args.out, text);
    } catch (e) {
      throw new InputError(`--out ${args.out}: cannot write the schema (${errCode(e)})`);
    }
  },
};
