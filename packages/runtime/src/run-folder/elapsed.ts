// Elapsed wall-clock time for the timings a run records (run.json's timings).

/** Seconds since `start` (a performance.now() value). */
export const seconds = (start: number): number => (performance.now() - start) / 1000;
