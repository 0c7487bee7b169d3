import { Command } from 'commander';
import { planJsonSchema } from '../../plan/json-schema.js';

export function schemaCommand(): Command {
  return new Command('schema')
    .description('print the JSON Schema of plan files (salvo schema > salvo.schema.json), for editors to check and complete plans')
    .action(() => {
      process.stdout.write(`${JSON.stringify(planJsonSchema(), null, 2)}\n`);
    });
}
