// `vadc export <run> --format onnx [--out file]`: the run's trained model as a portable ONNX graph (opset 17) for
// onnxruntime or any other ONNX runtime. Inputs: patches [B, L, p*p*C], keep_index and restore_index (int64, the
// test-time mask as flat gather indices); outputs: teacher and student [B, L, p*p*(F+A)] (+ classifier_logit).
import { join, resolve } from 'node:path';
import { exportOnnx } from '@vadc/runtime';
import { EXIT_OK, UsageError, type Command } from '../command.ts';
import { writeFileAtomic } from '../run/files.ts';
import { loadTrainedModel, readTrainedRun } from '../run/trained-run.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write a run\'s trained model as an ONNX graph',
  usage: 'vadc export <run-folder> --format onnx [--out model.onnx]',
  options: { format: { type: 'string' }, out: { type: 'string' } },
  help: {
    description: 'Writes the trained model of a run as a portable ONNX graph (opset 17): inputs patches [B, L, p*p*C], keep_index and restore_index; outputs teacher and student. Prints the file written on stdout.',
    options: {
      format: 'the format to write; onnx is the one there is (required)',
      out: 'file to write (default: <run-folder>/model.onnx)',
    },
    examples: ['vadc export runs/quickstart/latest --format onnx', 'vadc export runs/quickstart/latest --format onnx --out /tmp/quickstart.onnx'],
  },
  async run(args, io) {
    const [folder, ...extra] = args.positionals;
    if (folder === undefined || extra.length > 0) throw new UsageError('give exactly one run folder');
    if (args.values.format !== 'onnx') throw new UsageError(`--format must be onnx${typeof args.values.format === 'string' ? `, not "${args.values.format}"` : ''}`);
    const { run, plan } = await readTrainedRun(folder, io.cwd);
    const model = await loadTrainedModel(run, plan);
    const bytes = exportOnnx(model, plan);
    const out = resolve(io.cwd, typeof args.values.out === 'string' ? args.values.out : join(run.directory, 'model.onnx'));
    await writeFileAtomic(out, bytes);
    io.stdout(`${out}: ${bytes.length} bytes, ONNX opset 17, inputs patches [B, ${plan.data.size[0] / plan.model.patch * (plan.data.size[1] / plan.model.patch)}, ${plan.model.patch ** 2 * 3 * plan.data.context.length}] + keep_index + restore_index\n`);
    return EXIT_OK;
  },
};
