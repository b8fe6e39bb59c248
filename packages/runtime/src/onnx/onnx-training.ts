// Training steps on onnxruntime (plan.runtime.engine `onnx`): each micro-batch runs the training graph of
// training-graph.ts (forward, loss and gradients in one onnxruntime-node CPU session) with the current weights as
// inputs; the trainer sums the micro-batches' gradients, moves the BatchNorm running statistics in micro-batch order
// and hands the sums to the same optimizer as the TF.js path. Masks and dropout seeds come from `microBatches`, in
// the same order as TF.js training; the dropout masks themselves are drawn here from each micro-batch's seed (TF.js's
// own dropout stream cannot be reproduced), so the two engines train alike but not bit for bit: the engine is part
// of the training hash. TF.js stays the reference; the gradient parity test holds the two together.
import * as tf from '@tensorflow/tfjs-core';
import type { Plan, StagePlan } from '@vadc/dsl';
import type { TrainingBatch } from '../data/types.ts';
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import { moveRunningStatistics } from '../model/layers.ts';
import type { TokenMask } from '../model/masking.ts';
import type { ParameterInfo } from '../model/parameters.ts';
import { patchify } from '../model/patches.ts';
import { hostValues, rememberHostValues } from '../backend/host-values.ts';
import { Random } from '../random.ts';
import { Scratch } from '../scratch.ts';
import { lossRegistry } from '../train/losses.ts';
import { runStep, type MicroBatch, type StepGradients } from '../train/step.ts';
import { resolveThreads } from '../backend/select-backend.ts';
import { createCpuSession, loadOnnxRuntime, type OnnxRuntime, type OrtSession, type OrtTensor } from './onnxruntime.ts';
import { buildTrainingGraph, TRAINING_NAMES, type TrainingGraph } from './training-graph.ts';

/** Options of OnnxTrainer.start. */
export interface OnnxTrainerOptions {
  /** Threads onnxruntime computes with (default: plan.runtime.threads, 'auto' = all cores). */
  threads?: number;
}

interface LoadedGraph {
  graph: TrainingGraph;
  session: OrtSession;
  /** A tensor for each output, allocated once: onnxruntime writes every run's results into them. */
  outputs: Record<string, OrtTensor>;
}

/**
 * The dropout mask of one site: each value kept with probability 1 - rate and scaled by 1 / (1 - rate); drawn into
 * `scratch` arrays named after `site` when given, else into new arrays.
 */
export function dropoutMask(random: Random, count: number, rate: number, scratch?: { site: string; arrays: Scratch }): Float32Array {
  const draws = random.fillUint32(scratch?.arrays.uint32(`${scratch.site}/draws`, count) ?? new Uint32Array(count));
  const mask = scratch?.arrays.floats(`${scratch.site}/mask`, count) ?? new Float32Array(count);
  const scale = 1 / (1 - rate);
  const threshold = rate * 4294967296;
  for (let index = 0; index < count; index++) mask[index] = (draws[index] as number) >= threshold ? scale : 0;
  return mask;
}

/** onnxruntime sessions of a plan's training graphs (one per stage and micro-batch size), built on first use. */
export class OnnxTrainer {
  private readonly graphs = new Map<string, Promise<LoadedGraph>>();
  // The step's patch rows, loss inputs, dropout masks and gradient sums go into the same arrays every step
  // (scratch.ts: fresh ones cost more than a third of the JS side of a step). onnxruntime reads its inputs only
  // during run, so the next micro-batch may overwrite them.
  private readonly scratch = new Scratch();

  private constructor(private readonly ort: OnnxRuntime, readonly threads: number) {}

  /** Loads onnxruntime-node (OnnxError ONNX_RUNTIME_UNAVAILABLE when it is not installed). */
  static async start(plan: Plan, options: OnnxTrainerOptions = {}): Promise<OnnxTrainer> {
    const threads = options.threads ?? resolveThreads(plan.runtime.threads);
    return new OnnxTrainer(await loadOnnxRuntime(), threads);
  }

  private load(plan: Plan, stage: StagePlan, model: MaskedAutoencoder, trainable: ParameterInfo[], mask: TokenMask, fullBatch: number): Promise<LoadedGraph> {
    const key = [stage.name, mask.batch, fullBatch, mask.keep, mask.rows, trainable.map((p) => p.name).join(',')].join('/');
    let loaded = this.graphs.get(key);
    if (loaded === undefined) {
      loaded = (async () => {
        const graph = buildTrainingGraph({ plan, stage, model, trainable, batch: mask.batch, fullBatch, keep: mask.keep, rows: mask.rows, cols: mask.cols });
        const session = await createCpuSession(this.ort, graph.bytes, `the training graph of stage ${stage.name}`, { threads: this.threads, spinning: plan.runtime.spin_wait });
        const outputs = Object.fromEntries(Object.entries(graph.outputs).map(([name, shape]) => [
          name, new this.ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)), shape),
        ]));
        return { graph, session, outputs };
      })();
      this.graphs.set(key, loaded);
    }
    return loaded;
  }

  /**
   * One step's loss and summed gradients (as train/step.ts `stepGradients`), from onnxruntime. The gradient tensors
   * are made from arrays the next step overwrites (the cpu backend keeps such an array as the tensor's storage):
   * use them, then dispose them, before the next call, as train-stage.ts does.
   */
  async stepGradients(plan: Plan, stageIndex: number, model: MaskedAutoencoder, batch: TrainingBatch, trainable: ParameterInfo[], random: Random): Promise<StepGradients> {
    const stage = plan.stages[stageIndex];
    if (stage === undefined) throw new Error(`plan has no stage ${stageIndex}`);
    const ort = this.ort;
    const byName = new Map(model.params.list().map((p) => [p.name, p]));
    const weights = new Map<string, OrtTensor>();
    const weightTensor = (name: string): OrtTensor => {
      let tensor = weights.get(name);
      if (tensor === undefined) {
        const info = byName.get(name);
        if (info === undefined) throw new Error(`training graph reads unknown parameter ${name}`);
        tensor = new ort.Tensor('float32', hostValues(info.variable), info.variable.shape);
        weights.set(name, tensor);
      }
      return tensor;
    };
    const sums = new Map<string, Float32Array>();
    return runStep(plan, stage, model, batch, random, {
      run: async (micro, fullBatch) => {
        const { graph, session, outputs: into } = await this.load(plan, stage, model, trainable, micro.mask, fullBatch);
        const feeds: Record<string, OrtTensor> = {};
        for (const name of graph.parameters) feeds[name] = weightTensor(name);
        Object.assign(feeds, this.dataFeeds(plan, stage, model, graph, micro));
        const outputs = await session.run(feeds, into);
        for (const name of graph.gradients) {
          const values = outputs[TRAINING_NAMES.gradient(name)]?.data as Float32Array;
          const sum = sums.get(name);
          if (sum === undefined) {
            const first = this.scratch.floats(`sum/${name}`, values.length);
            first.set(values);
            sums.set(name, first);
          } else {
            for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (values[i] as number);
          }
        }
        graph.batchNorms.forEach((norm, index) => {
          const mean = outputs[TRAINING_NAMES.batchMean(index)]?.data as Float32Array;
          const variance = outputs[TRAINING_NAMES.batchVariance(index)]?.data as Float32Array;
          tf.tidy(() => moveRunningStatistics(norm, tf.tensor1d(mean), tf.tensor1d(variance)));
        });
        return (outputs[TRAINING_NAMES.loss]?.data as Float32Array)[0] ?? NaN;
      },
      sums: () => {
        const gradients = new Map<string, tf.Tensor>();
        for (const [name, values] of sums) {
          const gradient = tf.tensor(values, (byName.get(name) as ParameterInfo).variable.shape);
          rememberHostValues(gradient, values); // the optimizer reads them from here, not back out of the backend
          gradients.set(name, gradient);
        }
        return gradients;
      },
    });
  }

  // The micro-batch's data inputs.
  private dataFeeds(plan: Plan, stage: StagePlan, model: MaskedAutoencoder, graph: TrainingGraph, micro: MicroBatch): Record<string, OrtTensor> {
    const { Tensor } = this.ort;
    const { part, mask } = micro;
    const patchInput = model.grid.patch ** 2 * model.inputChannels;
    const keepTotal = mask.batch * mask.keep;
    const feeds: Record<string, OrtTensor> = {
      [TRAINING_NAMES.patches]: new Tensor('float32', patchify(part.input, part.size, model.grid, model.inputChannels, this.scratch.floats('patches', part.input.length)), [part.size, mask.tokens, patchInput]),
      [TRAINING_NAMES.keepIndex]: new Tensor('int64', BigInt64Array.from(mask.keepIndex, (i) => BigInt(i)), [keepTotal]),
      [TRAINING_NAMES.restoreIndex]: new Tensor('int64', BigInt64Array.from(mask.restoreIndex, (i) => BigInt(Math.min(i, keepTotal))), [mask.restoreIndex.length]),
      [TRAINING_NAMES.hidden]: new Tensor('float32', mask.hidden, [1, mask.hidden.length]),
    };
    const lossData = lossRegistry[stage.loss].values({ plan, model, batch: part, mask, scratch: this.scratch });
    for (const [name, shape] of Object.entries(graph.lossInputs)) {
      const values = lossData[name];
      if (values === undefined) throw new Error(`the ${stage.loss} loss gives no values for its input ${name}`);
      feeds[name] = new Tensor('float32', values, [...shape]);
    }
    const dropoutRandom = new Random(micro.dropoutSeed);
    for (const site of graph.dropout) {
      const mask = dropoutMask(dropoutRandom, site.shape.reduce((a, b) => a * b, 1), site.rate, { site: site.name, arrays: this.scratch });
      feeds[site.name] = new Tensor('float32', mask, site.shape);
    }
    return feeds;
  }

  /** Releases every session. */
  async close(): Promise<void> {
    const loaded = [...this.graphs.values()];
    this.graphs.clear();
    this.scratch.clear();
    for (const entry of loaded) {
      try {
        await (await entry).session.release();
      } catch {
        // a graph that failed to load has no session to release
      }
    }
  }
}
