// Lets the vitest test files of the runtime-neutral packages (dsl, metrics) run unchanged under `deno test`:
// an import map points "vitest" here. It covers the API those files may use: describe / it / test (with .skip
// and .each), beforeAll / afterAll / beforeEach / afterEach inside describe blocks, and Jest's `expect`.
import { expect as jestExpect } from 'expect';

declare const Deno: {
  test(definition: { name: string; fn: () => Promise<void>; ignore?: boolean; sanitizeOps?: boolean; sanitizeResources?: boolean }): void;
};

type Hook = () => unknown | Promise<unknown>;
interface Suite {
  name: string;
  beforeAll: Hook[];
  afterAll: Hook[];
  beforeEach: Hook[];
  afterEach: Hook[];
  pending: number;
  started: boolean;
}

const stack: Suite[] = [];

function registerTest(name: string, fn: Hook, ignore = false): void {
  const suites = [...stack];
  for (const suite of suites) suite.pending += 1;
  const fullName = [...suites.map((suite) => suite.name), name].join(' > ');
  Deno.test({
    name: fullName,
    ignore,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      for (const suite of suites) {
        if (!suite.started) {
          suite.started = true;
          for (const hook of suite.beforeAll) await hook();
        }
      }
      for (const suite of suites) for (const hook of suite.beforeEach) await hook();
      try {
        await fn();
      } finally {
        for (const suite of [...suites].reverse()) for (const hook of suite.afterEach) await hook();
        for (const suite of [...suites].reverse()) {
          suite.pending -= 1;
          if (suite.pending === 0) for (const hook of suite.afterAll) await hook();
        }
      }
    },
  });
}

function formatName(template: string, row: unknown): string {
  const values = Array.isArray(row) ? row : [row];
  let index = 0;
  return template.replace(/%[sdifjo]/g, () => String(values[index++]));
}

type TestFunction = ((name: string, fn: Hook, timeout?: number) => void) & {
  skip: (name: string, fn: Hook) => void;
  each: <T>(rows: readonly T[]) => (name: string, fn: (...args: never[]) => unknown) => void;
};

function makeTest(): TestFunction {
  const test = ((name: string, fn: Hook) => registerTest(name, fn)) as TestFunction;
  test.skip = (name, fn) => registerTest(name, fn, true);
  test.each = (rows) => (name, fn) => {
    for (const row of rows) {
      const args = (Array.isArray(row) ? row : [row]) as never[];
      registerTest(formatName(name, row), () => fn(...args));
    }
  };
  return test;
}

export const it = makeTest();
export const test = it;

export function describe(name: string, body: () => void): void {
  stack.push({ name, beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], pending: 0, started: false });
  try {
    body();
  } finally {
    stack.pop();
  }
}

function currentSuite(hookName: string): Suite {
  const suite = stack[stack.length - 1];
  if (!suite) throw new Error(`${hookName} outside describe() is not supported by the Deno shim`);
  return suite;
}

export const beforeAll = (hook: Hook): void => void currentSuite('beforeAll').beforeAll.push(hook);
export const afterAll = (hook: Hook): void => void currentSuite('afterAll').afterAll.push(hook);
export const beforeEach = (hook: Hook): void => void currentSuite('beforeEach').beforeEach.push(hook);
export const afterEach = (hook: Hook): void => void currentSuite('afterEach').afterEach.push(hook);
/** Jest's expect, also taking vitest's optional message argument (`expect(value, 'what it is')`), which Jest refuses. */
export const expect = Object.assign((actual: unknown, _message?: string) => jestExpect(actual), jestExpect);
