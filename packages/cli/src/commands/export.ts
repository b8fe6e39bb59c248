// `vadc export <run>`: the run's trained model as a model package: model.onnx (the scoring graph: frames in,
// per-patch summaries out, opset 17) and vadc-model.json (input size, context, motion, masking, scoring weights,
// smoothing, the calibrated threshold, recipe hash, dataset fingerprint). `vadc score <package> ...` runs it.
import { join, resolve } from 'node:path';
import { PRECISION_NAMES, type Plan } from '@vadc/dsl';
import { buildModelPackage, decisionSmoothing, describeBackend, describeDecisionSmoothing, selectBackend, packageThreshold, readCalibration, MANIFEST_FILE, writeModelPackage, loadTrainedModel, readTrainedRun } from '@vadc/runtime';
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
    const { run, plan } = await readTrainedRun(folder, io.cwd);
    // A fresh process has no TF.js backend yet: the checkpoint's weights need one to become tensors.
    const backend = await selectBackend((typeof args.values.backend === 'string' ? args.values.backend : plan.runtime.backend) as Plan['runtime']['backend'], { threads: plan.runtime.threads });
    io.stderr(`backend: ${describeBackend(backend)}\n`);
    const model = await loadTrainedModel(run, plan);
    const calibration = await readCalibration(run.directory);
    const { graph, manifest } = buildModelPackage(model, plan, {
      recipeHash: run.record.hash,
      datasetFingerprint: run.record.datasetFingerprint?.digest ?? null,
      threshold: packageThreshold(calibration),
      fusedAttention: args.values.portable !== true,
      precision: optionChoice('precision', args.values.precision, PRECISION_NAMES, plan.runtime.precision ?? 'fp32'),
      decisionSmoothing: { live: decisionSmoothing(plan), description: describeDecisionSmoothing(plan) },
    });
    const out = resolve(io.cwd, typeof args.values.out === 'string' ? args.values.out : join(run.directory, 'package'));
    await writeModelPackage(out, graph, manifest);
    if (calibration === null) io.stderr('note: the run has no calibration (vadc calibrate), so the package carries no threshold\n');
    if (args.values.json === true) {
      io.stdout(`${JSON.stringify({
        package: out, graph: join(out, manifest.graph), graph_bytes: graph.length, precision: manifest.precision, manifest: join(out, MANIFEST_FILE), opset: 17,
        threshold: manifest.threshold?.value ?? null, recipe_hash: run.record.hash, dataset_fingerprint: manifest.dataset_fingerprint ?? null,
      }, null, 2)}\n`);
      return EXIT_OK;
    }
    io.stdout(`${out}: ${manifest.graph} (${graph.length} bytes, ONNX opset 17, ${manifest.precision ?? 'fp32'}, input frames [B, ${plan.data.size.join(', ')}, ${manifest.model.inputChannels}]) + ${MANIFEST_FILE}` +
      `${manifest.threshold ? ` (threshold ${manifest.threshold.value.toPrecision(6)})` : ''}\n`);
    return EXIT_OK;
  },
};
