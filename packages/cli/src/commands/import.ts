// `vadc import <checkpoint.pth>`: an official aed-mae checkpoint as a vadc run folder (import/import-checkpoint.ts).
import { resolve } from 'node:path';
import { EXIT_OK, EXIT_FAILED, UsageError, type Command } from '../command.ts';
import { importOfficialCheckpoint } from '@vadc/runtime';
import { recipeOptionHelp, recipeOptions } from '../recipe-options.ts';

export const importCommand: Command = {
  usage: 'vadc import <checkpoint.pth> --recipe <recipe.yaml> [--student <checkpoint-student.pth>] [--out runs] [--name n] [--set k=v]... [--json]',
  options: {
    recipe: { type: 'string' }, student: { type: 'string' }, out: { type: 'string' }, name: { type: 'string' }, backend: { type: 'string' },
    json: { type: 'boolean' }, ...recipeOptions,
  },
  help: {
    description: 'Reads a checkpoint of the official PyTorch code (github.com/ristea/aed-mae: checkpoint-best.pth, and with --student ' +
      'checkpoint-best-student.pth, whose student weights replace the first file\'s as the official inference does) and writes a ' +
      'finished run folder: the recipe with every key the checkpoint fixes (model sizes from the tensor shapes, data.size and ' +
      'masking.ratio from its args) set from it, and the weights as a vadc checkpoint. The recipe supplies the data, the scoring and ' +
      'the attention heads (no tensor records them). The pickle inside the checkpoint is read without running it: a checkpoint ' +
      'naming os.system, builtins.eval or the like is refused (exit 2). A tensor that does not fit the recipe\'s model is named key ' +
      'by key (exit 2). The run folder goes to stdout; the recipe keys the checkpoint changed go to stderr.',
    options: {
      recipe: 'the recipe that supplies data, scoring and heads (e.g. recipes/avenue.yaml); its model sizes are replaced by the checkpoint\'s',
      student: 'the student checkpoint (checkpoint-best-student.pth): its keys containing `student` replace the teacher file\'s',
      out: 'folder holding runs/<name>/<id> (default ./runs)',
      name: 'the run\'s name (default: the recipe\'s name)',
      backend: 'TF.js backend that holds the weights while they are written (default: the recipe\'s runtime.backend)',
      json: 'print the result (run folder, changed keys) as JSON on stdout',
      ...recipeOptionHelp,
    },
    examples: [
      'vadc import experiments/avenue/checkpoint-best.pth --student experiments/avenue/checkpoint-best-student.pth --recipe recipes/avenue.yaml',
      'vadc import checkpoint-best.pth --recipe recipes/avenue.yaml --set data.root=/data/avenue --name avenue-official --json',
    ],
  },
  async run(args, io) {
    const [checkpoint, ...extra] = args.positionals;
    if (checkpoint === undefined || extra.length > 0) throw new UsageError('give exactly one checkpoint file (the teacher; the student with --student)');
    if (typeof args.values.recipe !== 'string') throw new UsageError('give --recipe: the recipe supplies the data and scoring the checkpoint does not hold (e.g. --recipe recipes/avenue.yaml)');
    const result = await importOfficialCheckpoint({
      checkpoint, student: typeof args.values.student === 'string' ? args.values.student : null, recipe: args.values.recipe,
      values: args.values, outRoot: resolve(io.cwd, typeof args.values.out === 'string' ? args.values.out : 'runs'),
    }, io);
    if (result === null) return EXIT_FAILED;
    for (const line of result.changed) io.stderr(`from the checkpoint: ${line}\n`);
    if (args.values.json === true) io.stdout(`${JSON.stringify({ run: result.run.directory, name: result.plan.name, hash: result.run.record.hash, changed: result.changed }, null, 2)}\n`);
    else io.stdout(`${result.run.directory}\n`);
    return EXIT_OK;
  },
};
