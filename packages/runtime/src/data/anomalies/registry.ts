// The synthetic anomaly generators by the names recipes use (`synthetic_anomalies.generator`). Adding one is a
// file plus one line here.
import type { SyntheticAnomaliesPlan } from '@vadc/dsl';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import { foregroundGenerator } from './foreground.ts';
import { objectsGenerator } from './objects.ts';
import { proceduralGenerator } from './procedural.ts';
import type { AnomalyGenerator, GeneratorContext } from './types.ts';

/** Builds a generator from its options; may throw a PipelineError when its inputs are unusable. */
export type GeneratorFactory = (context: GeneratorContext) => AnomalyGenerator;

/** Every synthetic anomaly generator, by recipe name. */
export const anomalyGenerators: Readonly<Record<SyntheticAnomaliesPlan['generator'], GeneratorFactory>> = {
  procedural: proceduralGenerator,
  objects: objectsGenerator,
  foreground: foregroundGenerator,
};

/** The generator the recipe names, built for `context`; throws PipelineError UNKNOWN_GENERATOR for other names. */
export function createAnomalyGenerator(name: string, context: GeneratorContext): AnomalyGenerator {
  const factory = (anomalyGenerators as Record<string, GeneratorFactory | undefined>)[name];
  if (factory === undefined) {
    throw new PipelineError('UNKNOWN_GENERATOR', `unknown synthetic anomaly generator '${name}' (known: ${Object.keys(anomalyGenerators).join(', ')})`);
  }
  return factory(context);
}
