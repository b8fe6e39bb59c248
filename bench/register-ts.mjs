// Usage: node --conditions=source --import ./bench/register-ts.mjs bench/<script>.ts
// Registers ts-hooks.mjs so workspace TypeScript sources (the `source` export condition) load without a build.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
