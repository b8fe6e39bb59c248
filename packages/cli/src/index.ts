/** Public API of @vadc/cli: run the `vadc` command in-process (used by tests and embedders). */
export { runCli } from './cli.ts';
export type { CommandIO } from './command.ts';
export { renderReport, formatMetric, METRIC_DECIMALS, encodePng, pngDataUri, ImageSizeError, REPORT_METRIC_NAMES, chooseFrames, trainingCurvesFromLog, isLossKey, type TrainingLogRecord } from '@vadc/runtime';
export type { ReportMetricName, ReportMetric, ReportMetrics, ReportMachine, ReportStepTiming, ReportRun, ReportScoreComponents, ReportVideo, ReportRocCurve, ReportRocCurves, ReportDetectionCurve, ReportDetectionCurves, ReportRgbImage, ReportGrayImage, ReportHeatMap, ReportImage, ReportBox, ReportFrame, ReportSweep, ReportPhaseSpeed, ReportSpeed, ReportTrainingCurve, ReportValidation, ReportVideoRow, ReportOperatingPoint, ReportDecisions, ReportData } from '@vadc/runtime';
