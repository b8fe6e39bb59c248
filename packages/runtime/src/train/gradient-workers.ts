// Data-parallel gradients over worker threads (plan.runtime.workers > 1): a small model gains little from wasm's
// second thread (per-op overhead and tiny products dominate), so micro-batches go to separate one-thread backends
// instead. On this project's 2-core machine that gains only 4% (two wasm SIMD streams slow each other down:
// bench/RESULTS.md), hence off by default. The trainer draws every micro-batch's mask and dropout seed in order, as
// `stepGradients` does; workers compute micro-batch k on a copy of the current weights; the trainer adds the
// gradients and applies the BatchNorm statistics in micro-batch order. So a step's result is the one-thread
// result with the same micro_batch (tested for equality in gradient-workers.test.ts).
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { Plan } from '@vadc/dsl';
import type { TrainingBatch } from '../data/types.ts';
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import { moveRunningStatistics } from '../model/layers.ts';
import type { ParameterInfo } from '../model/parameters.ts';
import type { Random } from '../random.ts';
import { accumulateGradients, runStep, type MicroBatch, type StepGradients } from './step.ts';

/** BatchNorm statistics of one layer from one micro-batch, by the variable names of its running statistics. */
export interface WorkerStatistics {
  runningMean: string;
  runningVariance: string;
  momentum: number;
  mean: Float32Array;
  unbiasedVariance: Float32Array;
}

/** What the trainer sends a worker: all variables (ParameterStore order, flat), one micro-batch. */
export interface WorkerRequest {
  stageIndex: number;
  weights: Float32Array;
  micro: MicroBatch;
  fullBatch: number;
}

/** A worker's answer: gradients flat in `names` order, or the error it hit. */
export type WorkerReply =
  | { ok: true; loss: number; names: string[]; sizes: number[]; values: Float32Array; statistics: WorkerStatistics[] }
  | { ok: false; message: string };

type Settle = { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void };

class GradientWorker {
  private pending: Settle | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: WorkerReply) => {
      const pending = this.pending;
      this.pending = null;
      pending?.resolve(message);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`gradient worker exited with code ${code}`)));
  }

  static start(plan: Plan): Promise<GradientWorker> {
    const here = import.meta.url;
    // From the TypeScript sources (tests, bench scripts) the thread first registers the package's TS hooks (dev/, not shipped).
    const worker = here.endsWith('.ts')
      ? new Worker(`import(${JSON.stringify(new URL('../../dev/register-ts.mjs', here).href)}).then(() => import(${JSON.stringify(new URL('./gradient-worker.ts', here).href)}))`,
        { eval: true, workerData: { plan }, execArgv: ['--conditions=source'] })
      : new Worker(new URL('./gradient-worker.js', here), { workerData: { plan } });
    return new Promise((resolve, reject) => {
      const onMessage = (message: { ready?: boolean }) => {
        if (message.ready !== true) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(new GradientWorker(worker));
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  }

  run(request: WorkerRequest): Promise<WorkerReply> {
    if (this.pending !== null) throw new Error('gradient worker is busy');
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(request);
    });
  }

  terminate(): Promise<number> {
    this.worker.removeAllListeners('exit');
    return this.worker.terminate();
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }
}

/** A pool of gradient workers for one Plan. */
export class GradientWorkers {
  private constructor(private readonly workers: GradientWorker[]) {}

  /** Starts `count` workers, each building the Plan's model on a one-thread wasm backend. */
  static async start(plan: Plan, count: number): Promise<GradientWorkers> {
    const workers = await Promise.all(Array.from({ length: count }, () => GradientWorker.start(plan)));
    return new GradientWorkers(workers);
  }

  /** stepGradients of stage `stageIndex`, with micro-batch k computed by worker k mod the pool's size. */
  async stepGradients(
    plan: Plan, stageIndex: number, model: MaskedAutoencoder, batch: TrainingBatch, trainable: ParameterInfo[], random: Random,
  ): Promise<StepGradients> {
    const stage = plan.stages[stageIndex];
    if (stage === undefined) throw new Error(`plan has no stage ${stageIndex}`);
    const shapes = new Map(trainable.map((p) => [p.name, p.variable.shape]));
    const gradients = new Map<string, tf.Tensor>();
    let replies: Promise<WorkerReply[]> = Promise.resolve([]);
    return runStep(plan, stage, model, batch, random, {
      start: (parts, fullBatch) => {
        replies = this.computeAll(stageIndex, flatWeights(model), parts, fullBatch);
      },
      run: async (_micro, _fullBatch, index) => {
        const reply = (await replies)[index]!;
        if (!reply.ok) {
          for (const gradient of gradients.values()) gradient.dispose();
          throw new Error(`gradient worker failed: ${reply.message}`);
        }
        const next = new Map<string, tf.Tensor>();
        let offset = 0;
        reply.names.forEach((name, at) => {
          const size = reply.sizes[at]!;
          next.set(name, tf.tensor(reply.values.subarray(offset, offset + size), shapes.get(name)));
          offset += size;
        });
        accumulateGradients(gradients, next);
        for (const statistics of reply.statistics) {
          const runningMean = model.params.get(statistics.runningMean)?.variable;
          const runningVariance = model.params.get(statistics.runningVariance)?.variable;
          if (runningMean === undefined || runningVariance === undefined) throw new Error(`no BatchNorm statistics ${statistics.runningMean} in the model`);
          tf.tidy(() => moveRunningStatistics({ runningMean, runningVariance, momentum: statistics.momentum }, tf.tensor(statistics.mean), tf.tensor(statistics.unbiasedVariance)));
        }
        return reply.loss;
      },
      sums: () => gradients,
    });
  }

  // Every micro-batch's reply in micro-batch order; micro-batch k goes to worker k mod the pool's size.
  private async computeAll(stageIndex: number, weights: Float32Array, parts: readonly MicroBatch[], fullBatch: number): Promise<WorkerReply[]> {
    const lanes = this.workers.map(async (worker, lane) => {
      const replies: Array<[number, WorkerReply]> = [];
      for (let index = lane; index < parts.length; index += this.workers.length) {
        const micro = copyMicroBatch(parts[index]!);
        replies.push([index, await worker.run({ stageIndex, weights, micro, fullBatch })]);
      }
      return replies;
    });
    return (await Promise.all(lanes)).flat().sort((a, b) => a[0] - b[0]).map(([, reply]) => reply);
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** Every variable of the model, flat in ParameterStore order. */
function flatWeights(model: MaskedAutoencoder): Float32Array {
  const variables = model.params.list();
  const values = new Float32Array(variables.reduce((sum, info) => sum + info.variable.size, 0));
  let offset = 0;
  for (const info of variables) {
    values.set(info.variable.dataSync() as Float32Array, offset);
    offset += info.variable.size;
  }
  return values;
}

// Micro-batches are views into the step's batch; a message copies what it sends, so copy only the part's range.
function copyMicroBatch(micro: MicroBatch): MicroBatch {
  const part = micro.part;
  return {
    ...micro,
    part: {
      ...part,
      input: part.input.slice(), target: part.target.slice(), motion: part.motion.slice(),
      anomalyMask: part.anomalyMask.slice(), hasAnomaly: part.hasAnomaly.slice(),
    },
  };
}
