// `vadc --version`, `vadc --help` and a mistyped command answer at once: they must not load the engines (tfjs,
// onnxruntime, sharp, ffmpeg) nor the recipe language, which took the built CLI from about 0.1 s to 1 s and more.
// The built CLI runs in a fresh process with a module hook that records every module it resolves, so an eager
// import added again to the command table (or to cli.ts / help.ts) fails here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILT_CLI } from './test-built-cli.ts';

/**
 * What only the commands that work with models, frames or queues may load. The runtime's run-io.js (the errors and
 * output sinks every command shares, a module without imports) is the one runtime file the CLI itself loads.
 */
const ENGINES = /@tensorflow|onnxruntime|sharp|ffmpeg|bullmq|packages\/runtime\/(?!dist\/run-io\.js$)/;
/** The recipe language: only a command that reads recipes, or a did-you-mean, needs it. */
const RECIPE_LANGUAGE = /packages\/dsl\/|\/node_modules\/(yaml|ajv)\//;

let folder = '';

/** The URLs of every module the built CLI resolved while running `args`. */
function modulesLoadedBy(...args: string[]): { status: number | null; modules: string[] } {
  const log = join(folder, `resolved-${args.join('_').replace(/\W/g, '')}.txt`);
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(join(folder, 'register.mjs')).href, BUILT_CLI, ...args], {
    cwd: folder, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', VADC_RESOLVED_LOG: log },
  });
  return { status: result.status, modules: readFileSync(log, 'utf8').split('\n').filter((url) => url.startsWith('file:')) };
}

describe('the built vadc starts without the engines', () => {
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'vadc-startup-'));
    // Node's customization hooks run off the main thread: the resolve hook appends each resolved URL to the log file.
    writeFileSync(join(folder, 'hooks.mjs'), [
      "import { appendFileSync } from 'node:fs';",
      'export async function resolve(specifier, context, next) {',
      '  const result = await next(specifier, context);',
      "  appendFileSync(process.env.VADC_RESOLVED_LOG, `${result.url}\\n`);",
      '  return result;',
      '}',
    ].join('\n'));
    writeFileSync(join(folder, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
  });

  it.each([['--version'], ['--help']])('`vadc %s` loads only the CLI itself', (...args: string[]) => {
    const { status, modules } = modulesLoadedBy(...args);
    expect(status).toBe(0);
    expect(modules.some((url) => url.endsWith('/packages/cli/dist/cli.js')), 'the hook recorded the CLI').toBe(true);
    expect(modules.filter((url) => ENGINES.test(url) || RECIPE_LANGUAGE.test(url))).toEqual([]);
  });

  it('a mistyped command gets its did-you-mean without the engines', () => {
    const { status, modules } = modulesLoadedBy('rnder');
    expect(status).toBe(2);
    expect(modules.filter((url) => ENGINES.test(url))).toEqual([]);
  });

  it('a command that scores loads its engine (the hook sees what it must catch)', () => {
    const { status, modules } = modulesLoadedBy('bench', '--help');
    expect(status).toBe(0);
    expect(modules.some((url) => url.includes('@tensorflow/tfjs-core'))).toBe(true);
  });
});
