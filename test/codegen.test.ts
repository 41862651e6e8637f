import { readFileSync } from 'node:fs';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';

describe('generated resolver types', () => {
  it('match the SDL in schema/ (run npm run codegen after changing it)', async () => {
    const { config } = await loadCodegenConfig({ configFilePath: 'codegen.yml' });
    const outputs = await generate({ ...config, silent: true }, false);
    const [output] = outputs as Array<{ filename: string; content: string }>;
    expect(output.filename).toMatch(/src\/generated\/graphql\.ts$/);
    expect(readFileSync('src/generated/graphql.ts', 'utf8')).toBe(output.content);
  });
});
