// A gradient worker (a worker thread started by GradientWorkers): its own single-threaded wasm backend and a copy
// of the model built from the Plan. Each message carries the model's current variables and one micro-batch with
// its mask and dropout seed; the reply is the micro-batch's loss, its gradients and its BatchNorm statistics.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { Plan } from '@vadc/dsl';
import { selectBackend } from '../backend/select-backend.ts';
import { createModel } from '../model/autoencoder.ts';
import type { BatchNorm } from '../model/records.ts';
import { microBatchGradients } from './step.ts';
import type { WorkerReply, WorkerRequest, WorkerStatistics } from './gradient-workers.ts';

const port = parentPort;
if (port === null) throw new Error('gradient-worker runs as a worker thread');

const plan = (workerData as { plan: Plan }).plan;
await selectBackend('wasm', { threads: 1 });
const model = createModel(plan);
const variables = model.params.list();
const nameOfVariable = new Map(variables.map((info) => [info.variable.name, info.name]));

function handle(request: WorkerRequest): Extract<WorkerReply, { ok: true }> {
  const stage = plan.stages[request.stageIndex];
  if (stage === undefined) throw new Error(`plan has no stage ${request.stageIndex}`);
  let offset = 0;
  tf.tidy(() => {
    for (const info of variables) {
      const size = info.variable.size;
      info.variable.assign(tf.tensor(request.weights.subarray(offset, offset + size), info.variable.shape));
      offset += size;
    }
  });
  const trainable = variables.filter((p) => p.trainable && !stage.freeze.includes(p.part));
  const statistics: WorkerStatistics[] = [];
  const record = (norm: BatchNorm, mean: tf.Tensor, unbiasedVariance: tf.Tensor) => {
    statistics.push({
      runningMean: nameOfVariable.get(norm.runningMean.name) as string,
      runningVariance: nameOfVariable.get(norm.runningVariance.name) as string,
      momentum: norm.momentum,
      mean: mean.dataSync() as Float32Array,
      unbiasedVariance: unbiasedVariance.dataSync() as Float32Array,
    });
  };
  const { loss, gradients } = microBatchGradients(plan, stage, model, request.micro, trainable, request.fullBatch, record);
  const names = [...gradients.keys()];
  const sizes = names.map((name) => gradients.get(name)!.size);
  const values = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const name of names) {
    const gradient = gradients.get(name)!;
    values.set(gradient.dataSync() as Float32Array, at);
    at += gradient.size;
    gradient.dispose();
  }
  return { ok: true, loss, names, sizes, values, statistics };
}

port.on('message', (request: WorkerRequest) => {
  try {
    const reply = handle(request);
    port.postMessage(reply, [reply.values.buffer as ArrayBuffer]);
  } catch (error) {
    port.postMessage({ ok: false, message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) } satisfies WorkerReply);
  }
});
port.postMessage({ ready: true });
