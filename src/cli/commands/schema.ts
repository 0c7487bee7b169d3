import { Argument, Command } from 'commander';
import { planJsonSchema } from '../../plan/json-schema.js';
import { sweepJsonSchema } from '../../sweep/json-schema.js';

export function schemaCommand(): Command {
  return new Command('schema')
    .description(
      'print the JSON Schema of plan files (salvo schema > salvo.schema.json) or of sweep files (salvo schema sweep), for editors to check and complete them',
    )
    .addArgument(new Argument('[kind]', 'which files').choices(['plan', 'sweep']).default('plan'))
    .action((kind: 'plan' | 'sweep') => {
      process.stdout.write(`${JSON.stringify(kind === 'sweep' ? sweepJsonSchema() : planJsonSchema(), null, 2)}\n`);
    });
}
