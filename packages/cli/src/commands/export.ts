// `vadc export <run>`: the run's trained model as a model package: model.onnx (the scoring graph: frames in,
// per-patch summaries out, opset 17) and vadc-model.json (input size, context, motion, masking, scoring weights,
// smoothing, the calibrated threshold, recipe hash, dataset fingerprint). `vadc score <package> ...` runs it. The
// work is runtime detect/export-run.ts; this file parses the options and prints.
import { join, resolve } from 'node:path';
import { PRECISION_NAMES } from '@vadc/dsl';
import { exportRun, MANIFEST_FILE } from '@vadc/runtime';
import { EXIT_OK, UsageError, type Command } from '../command.ts';
import { optionChoice } from '../option-choice.ts';

export const exportCommand: Command = {
  usage: 'vadc export <run-folder> [--format onnx] [--out folder] [--portable] [--precision fp32|int8] [--backend b] [--json]',
  options: { format: { type: 'string' }, out: { type: 'string' }, portable: { type: 'boolean' }, precision: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' } },
  help: {
    description: 'Writes the run\'s trained model as a model package folder: model.onnx, the scoring graph (frames in, per-patch ' +
      'errors and anomaly map out, ONNX opset 17), and vadc-model.json, everything needed around it (input size, context ' +
      'offsets, value scaling, motion step, test-time masking, scoring weights and pooling, smoothing, the calibrated ' +
      'threshold of `vadc calibrate`, recipe hash, dataset fingerprint) and, under `steps`, each step around the graph stated ' +
      'exactly (docs/model-package.md), so a scorer without vadc (examples/python/score_package.py) reproduces its scores. ' +
      '`vadc score <package> <input>` scores with it on ' +
      'onnxruntime with the same numbers as `vadc score <run> <input> --engine onnx`. The package path goes to stdout.',
    options: {
      format: 'onnx (the only format, and the default)',
      out: 'the package folder to write (default <run-folder>/package)',
      portable: 'attention as standard ONNX ops, for runtimes other than onnxruntime (default: onnxruntime\'s fused attention, faster)',
      precision: 'fp32 or int8: the graph\'s arithmetic (int8: every weight product on the CPU\'s integer units, standard ONNX ops; the manifest records it); default: the run\'s runtime.precision',
      backend: 'TF.js backend that loads the checkpoint (default the recipe\'s runtime.backend)',
      json: 'print the result as JSON on stdout: package folder, graph file and size, manifest file, threshold, recipe hash, dataset fingerprint',
    },
    examples: ['vadc export runs/quickstart/latest', 'vadc export runs/quickstart/latest --out deploy/quickstart --portable'],
  },
  async run(args, io) {
    const [folder, ...extra] = args.positionals;
    if (folder === undefined || extra.length > 0) throw new UsageError('give exactly one run folder');
    const format = args.values.format ?? 'onnx';
    if (format !== 'onnx') throw new UsageError(`--format must be onnx, not "${String(format)}"`);
    const exported = await exportRun(folder, {
      cwd: io.cwd,
      out: typeof args.values.out === 'string' ? args.values.out : null,
      backend: typeof args.values.backend === 'string' ? args.values.backend : null,
      portable: args.values.portable === true,
      precision: optionChoice('precision', args.values.precision, PRECISION_NAMES, null),
      log: (text) => io.stderr(`${text}\n`),
    });
    const { directory: out, manifest, plan } = exported;
    if (args.values.json === true) {
      io.stdout(`${JSON.stringify({
        package: out, graph: join(out, manifest.graph), graph_bytes: exported.graphBytes, precision: manifest.precision, manifest: join(out, MANIFEST_FILE), opset: 17,
        threshold: manifest.threshold?.value ?? null, recipe_hash: exported.recipeHash, dataset_fingerprint: manifest.dataset_fingerprint ?? null,
      }, null, 2)}\n`);
      return EXIT_OK;
    }
    io.stdout(`${out}: ${manifest.graph} (${exported.graphBytes} bytes, ONNX opset 17, ${manifest.precision ?? 'fp32'}, input frames [B, ${plan.data.size.join(', ')}, ${manifest.model.inputChannels}]) + ${MANIFEST_FILE}` +
      `${manifest.threshold ? ` (threshold ${manifest.threshold.value.toPrecision(6)})` : ''}\n`);
    return EXIT_OK;
  },
};
