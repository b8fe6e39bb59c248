/** Public API of @vadc/runtime. */
export {};
