// `vadc eval <run>`: score the test split with a run's trained model and write scores.csv, metrics.json and
// report.html again (e.g. after changing nothing but the backend, or to finish a run that failed after training).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { assignWeights, createModel, loadCheckpoint } from '@vadc/runtime';
import { EXIT_OK, UsageError, type Command } from '../command.ts';
import { checkpointPath, openRunData, scoreEvaluateReport, startBackend } from '../run/execute-run.ts';
import { readRun, saveRun } from '../run/run-folder.ts';
import { engineOption } from './run.ts';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Score and evaluate a trained run again (scores.csv, metrics.json, report.html)',
  usage: 'vadc eval <run-folder> [--backend b] [--engine tfjs|onnx]',
  options: { backend: { type: 'string' }, engine: { type: 'string' } },
  async run(args, io) {
    const [folder, ...extra] = args.positionals;
    if (folder === undefined || extra.length > 0) throw new UsageError('give exactly one run folder');
    const run = await readRun(resolve(io.cwd, folder));
    if (run === null) throw new UsageError(`${folder} is not a run folder (no readable run.json)`);
    if (!existsSync(checkpointPath(run))) throw new UsageError(`${folder} has no trained model (${checkpointPath(run)} is missing): train it with vadc run --resume`);
    const plan = JSON.parse(await readFile(join(run.directory, 'plan.json'), 'utf8')) as Plan;
    const backend = await startBackend(run, plan, typeof args.values.backend === 'string' ? args.values.backend : null, io);
    const pipeline = await openRunData(run, plan, dirname(dirname(run.directory)), io);
    const model = createModel(plan);
    assignWeights(model, (await loadCheckpoint(checkpointPath(run))).weights);
    await scoreEvaluateReport({ run, plan, model, pipeline, backend, engine: engineOption(args.values.engine) }, io);
    await pipeline.close();
    run.record.status = 'finished';
    await saveRun(run);
    return EXIT_OK;
  },
};
