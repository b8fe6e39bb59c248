// Usage: node --conditions=source --import ./bench/register-ts.mjs bench/<script>.ts
// The runtime package's TypeScript hooks (packages/runtime/dev/ts-hooks.mjs), so workspace sources load without a build.
import '../packages/runtime/dev/register-ts.mjs';
