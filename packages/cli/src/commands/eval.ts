// `vadc eval <run>`: score the test split with a run's trained model and write scores.csv, metrics.json and
// report.html again (e.g. after changing nothing but the backend, or to finish a run that failed after training).
// The work, lease and refusals included, is the runtime's scoreTrainedRun.
import type { Plan } from '@vadc/dsl';
import { EXIT_OK, UsageError, type Command } from '../command.ts';
import { engineOption, scoreTrainedRun } from '@vadc/runtime';
import { ioForJson, runResultJson } from '../run-result.ts';
import { TEST_MASKS_OPTION_HELP, testMasksOption } from './test-masks-option.ts';

export const evalCommand: Command = {
  usage: 'vadc eval <run-folder> [--backend b] [--engine auto|tfjs|onnx] [--test-masks file.json] [--json]',
  options: { backend: { type: 'string' }, engine: { type: 'string' }, 'test-masks': { type: 'string' }, json: { type: 'boolean' } },
  help: {
    description: 'Scores the test split again with a run\'s trained model and rewrites scores.csv, components.bin, metrics.json and report.html in the run folder. Progress goes to stderr; the metrics summary (or --json) to stdout.',
    options: {
      backend: 'TF.js backend: auto, tensorflow-gpu, tensorflow, wasm or cpu (default: the recipe\'s runtime.backend)',
      engine: 'scoring engine: auto, tfjs (the reference) or onnx (onnxruntime-node, optional package); default: the run\'s runtime.engine (auto: TF.js on a GPU, else the fastest installed CPU engine)',
      'test-masks': `${TEST_MASKS_OPTION_HELP}; the file and its sha256 are recorded in metrics.json`,
      json: 'print the result (run folder and metrics) as JSON on stdout',
    },
    examples: ['vadc eval runs/quickstart/latest', 'vadc eval runs/quickstart/latest --engine onnx --json', 'vadc eval runs/imported/latest --test-masks official-masks.json'],
  },
  async run(args, io) {
    const [folder, ...extra] = args.positionals;
    if (folder === undefined || extra.length > 0) throw new UsageError('give exactly one run folder');
    const json = args.values.json === true;
    const backend = typeof args.values.backend === 'string' ? args.values.backend : null;
    const scoringIo = ioForJson(io, json);
    const testMasks = (plan: Plan) => testMasksOption(args.values['test-masks'], plan, io.cwd, (line) => scoringIo.stderr(`${line}\n`));
    const run = await scoreTrainedRun(folder, { backend, engine: engineOption(args.values.engine), testMasks }, scoringIo);
    if (json) io.stdout(await runResultJson(run));
    return EXIT_OK;
  },
};
