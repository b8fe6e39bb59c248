// Registers ts-hooks.mjs so that a thread or process runs the workspace's TypeScript sources (the `source` export
// condition) without a build: the gradient workers started from the sources (tests), and bench/ scripts through
// bench/register-ts.mjs. Development only: not in the package's files (dist is what ships).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
