/** Public API of @vadc/cli: run the `vadc` command in-process (used by tests and embedders). */
export { runCli } from './cli.ts';
export type { CommandIO } from './command.ts';
export { renderReport } from './report/render-report.ts';
export { formatMetric, METRIC_DECIMALS } from './report/format.ts';
export { encodePng, pngDataUri, ImageSizeError } from './report/png.ts';
export { REPORT_METRIC_NAMES } from './report/types.ts';
export { chooseFrames, trainingCurvesFromLog, isLossKey, type TrainingLogRecord } from './report/report-inputs.ts';
export type * from './report/types.ts';
