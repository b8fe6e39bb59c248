// The `synthetic` entry of the dataset registry: the built-in benchmark generated from plan.data.synthetic.
import type { Plan } from '@vadc/dsl';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import type { ReaderOptions } from '../readers/reader.ts';
import type { DatasetSource } from '../types.ts';
import { syntheticDataset } from './synthetic-dataset.ts';

/** Opens the synthetic benchmark of a plan (splits not asked for come back empty). */
export async function readSynthetic(plan: Plan, options?: ReaderOptions): Promise<DatasetSource> {
  if (plan.data.synthetic === null) {
    throw new PipelineError('SYNTHETIC_OPTIONS', 'data.synthetic must be set when data.dataset is synthetic');
  }
  const source = syntheticDataset(plan.data.synthetic);
  const wanted = (split: 'train' | 'validation' | 'test') => options?.splits === undefined || options.splits.includes(split);
  return {
    train: wanted('train') ? source.train : [],
    validation: wanted('validation') ? source.validation : [],
    test: wanted('test') ? source.test : [],
  };
}
