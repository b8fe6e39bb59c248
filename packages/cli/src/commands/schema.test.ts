import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

function capture() {
  const out: string[] = [];
  return { out, io: { stdout: (text: string) => void out.push(text), stderr: () => undefined, isTerminal: false, cwd: repository, env: {} } };
}

describe('vadc schema', () => {
  it('prints the recipe JSON Schema, identical to the committed recipes/vadc.schema.json', async () => {
    const { out, io } = capture();
    expect(await runCli(['schema'], io)).toBe(0);
    const printed = out.join('');
    const schema = JSON.parse(printed) as { additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toContain('stages');
    const committed = await readFile(join(repository, 'recipes', 'vadc.schema.json'), 'utf8');
    // Out of date? Run `npm run build && node scripts/write-schema.mjs`.
    expect(committed).toBe(printed);
  });

  it('--plan prints the schema of a resolved Plan, every key required', async () => {
    const { out, io } = capture();
    expect(await runCli(['schema', '--plan'], io)).toBe(0);
    const schema = JSON.parse(out.join('')) as { required: string[] };
    expect(schema.required).toEqual(['vadc', 'name', 'data', 'model', 'masking', 'loss', 'synthetic_anomalies', 'stages', 'scoring', 'eval', 'runtime', 'sweep', 'validation']);
  });
});
