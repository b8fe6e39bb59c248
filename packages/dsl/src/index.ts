/** Public API of @vadc/dsl. */
export type * from './plan/types.ts';
