// The metric names a recipe may ask for (eval.metrics): the one list the schema, the Plan's types and the CLI's
// metrics result (which adds macro_auc_clean beside macro_auc) are built from.

/** Metrics a recipe can ask for, in the order tables list them. */
export const METRIC_NAMES = ['micro_auc', 'macro_auc', 'rbdc', 'tbdc', 'pixel_auc'] as const;

/** A metric a recipe can ask for. */
export type MetricName = (typeof METRIC_NAMES)[number];
