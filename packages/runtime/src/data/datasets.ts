// The explicit registry of dataset readers: `data.dataset` in a recipe names one of these. A new layout is one file
// in readers/ plus one line here.
import type { DatasetKind, Plan } from '@vadc/dsl';
import type { DatasetSource } from './types.ts';
import { DatasetError } from './readers/dataset-error.ts';
import type { DatasetReader, ReaderOptions } from './readers/reader.ts';
import { readAvenue } from './readers/avenue.ts';
import { readFrames } from './readers/frames.ts';
import { readShanghaitech } from './readers/shanghaitech.ts';
import { readUbnormal } from './readers/ubnormal.ts';
import { readUcsd } from './readers/ucsd.ts';
import { readSynthetic } from './synthetic/read-synthetic.ts';

/** Dataset name -> reader. */
export const datasetReaders: ReadonlyMap<DatasetKind, DatasetReader> = new Map<DatasetKind, DatasetReader>([
  ['ucsd-ped1', readUcsd],
  ['ucsd-ped2', readUcsd],
  ['avenue', readAvenue],
  ['shanghaitech', readShanghaitech],
  ['ubnormal', readUbnormal],
  ['frames', readFrames],
  ['synthetic', readSynthetic],
]);

/** Opens the dataset a plan names. Throws DatasetError (UNKNOWN_DATASET, or whatever the reader finds wrong). */
export async function openDataset(plan: Plan, options?: ReaderOptions): Promise<DatasetSource> {
  const reader = datasetReaders.get(plan.data.dataset);
  if (reader === undefined) {
    throw new DatasetError('UNKNOWN_DATASET', `no reader for dataset "${plan.data.dataset}" (known: ${[...datasetReaders.keys()].join(', ')})`);
  }
  return reader(plan, options);
}
