/** Public API of @vadc/metrics. */
export {};
