// `vadc eval <run>`: score the test split with a run's trained model and write scores.csv, metrics.json and
// report.html again (e.g. after changing nothing but the backend, or to finish a run that failed after training).
// A run whose training has not run to its end is refused (its checkpoint is an older epoch: numbers that no recipe
// describes, and a `finished` that would stop --resume); eval takes the run's lease like any writer.
import { dirname } from 'node:path';
import { EXIT_OK, UsageError, type Command } from '../command.ts';
import { CheckFailedError } from '../exit-status.ts';
import { openRunData, recordFailure, scoreEvaluateReport, startBackend, fileLeaseStore, takeLease, moveRun, trainingFinished, loadTrainedModel, readTrainedRun, engineOption, resolveEngine } from '@vadc/runtime';
import { ioForJson, runResultJson } from '../run-result.ts';

export const evalCommand: Command = {
  usage: 'vadc eval <run-folder> [--backend b] [--engine auto|tfjs|onnx] [--json]',
  options: { backend: { type: 'string' }, engine: { type: 'string' }, json: { type: 'boolean' } },
  help: {
    description: 'Scores the test split again with a run\'s trained model and rewrites scores.csv, components.bin, metrics.json and report.html in the run folder. Progress goes to stderr; the metrics summary (or --json) to stdout.',
    options: {
      backend: 'TF.js backend: auto, tensorflow-gpu, tensorflow, wasm or cpu (default: the recipe\'s runtime.backend)',
      engine: 'scoring engine: auto, tfjs (the reference) or onnx (onnxruntime-node, optional package); default: the run\'s runtime.engine (auto: TF.js on a GPU, else the fastest installed CPU engine)',
      json: 'print the result (run folder and metrics) as JSON on stdout',
    },
    examples: ['vadc eval runs/quickstart/latest', 'vadc eval runs/quickstart/latest --engine onnx --json'],
  },
  async run(args, io) {
    const [folder, ...extra] = args.positionals;
    if (folder === undefined || extra.length > 0) throw new UsageError('give exactly one run folder');
    const json = args.values.json === true;
    const output = io.stdout;
    const { run: found } = await readTrainedRun(folder, io.cwd);
    const lease = await takeLease(fileLeaseStore(found.directory), 'refuse', (line) => io.stderr(`${line}\n`));
    try {
      // Read again under the lease: the run may have moved on while its previous holder let go.
      const { run, plan } = await readTrainedRun(folder, io.cwd);
      run.lease = lease;
      if (!trainingFinished(run.record)) {
        throw new CheckFailedError(`${run.directory} has not finished training (state ${run.record.status}): its checkpoint is an earlier epoch. `
          + 'Finish it with vadc run <recipe> --resume, then eval');
      }
      io = ioForJson(io, json);
      const backendFlag = typeof args.values.backend === 'string' ? args.values.backend : null;
      const engine = await resolveEngine(plan, engineOption(args.values.engine), backendFlag, io);
      await moveRun(run, 'scoring');
      try {
        const backend = await startBackend(run, plan, backendFlag, io);
        const pipeline = await openRunData(run, plan, dirname(dirname(run.directory)), io);
        const model = await loadTrainedModel(run, plan);
        await scoreEvaluateReport({ run, plan, model, pipeline, backend, engine }, io);
        await pipeline.close();
        await moveRun(run, 'finished');
      } catch (error) {
        await recordFailure(run, error);
        throw error;
      }
      if (json) output(await runResultJson(run));
      return EXIT_OK;
    } finally {
      await lease.release();
    }
  },
};
