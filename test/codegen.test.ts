import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';

describe('generated resolver types', () => {
  it('match the SDL in schema/ (run npm run codegen after changing it)', async () => {
    const { config } = await loadCodegenConfig({ configFilePath: 'codegen.yml' });
    const outputs = (await generate({ ...config, silent: true }, false)) as Array<{ filename: string; content: string }>;
    // Every output of codegen.yml (graphql.ts, federation.ts), in whatever order codegen finishes them.
    const files = outputs.map((output) => relative(process.cwd(), output.filename)).sort();
    expect(files).toEqual(['src/generated/federation.ts', 'src/generated/graphql.ts']);
    for (const output of outputs) expect(readFileSync(output.filename, 'utf8'), output.filename).toBe(output.content);
  });
});
