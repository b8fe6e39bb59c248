// `vadc metrics INPUT.json [--full] [--json]`: the metrics of any method's outputs (runtime score/metrics-input.ts
// computes them; format in packages/metrics/README.md), printed as one JSON object. Any input problem is one line
// naming the input file, the video and the field, exit 2.
import { evaluateMetricsInput, metricsJson, perMetric } from '@vadc/runtime';
import { EXIT_OK, UsageError, type Command } from '../command.ts';

export const metricsCommand: Command = {
  usage: 'vadc metrics INPUT.json [--full] [--json] [--allow-path DIR]...   (--full: clean variants, per-video AUCs, curves; --json: one line)',
  options: { full: { type: 'boolean' }, json: { type: 'boolean' }, 'allow-path': { type: 'string', multiple: true } },
  help: {
    description: 'Computes frame AUC (micro, macro), RBDC, TBDC and pixel AUC of any method\'s outputs from a JSON file (format: packages/metrics/README.md) and prints them as JSON on stdout. The .npy files it names are read only inside the JSON\'s folder or an --allow-path folder, only regular files of at most 2 GiB.',
    options: {
      full: 'add the clean variants, per-video AUCs and the curves',
      json: 'print one line of JSON instead of indented JSON',
      'allow-path': 'a folder besides the input\'s own that its .npy paths may point into (repeatable)',
    },
    examples: ['vadc metrics outputs.json', 'vadc metrics outputs.json --full --json > metrics.json', 'vadc metrics outputs.json --allow-path /data/maps'],
  },
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError('give exactly one input JSON file');
    const result = await evaluateMetricsInput(args.positionals[0]!, { allowPaths: (args.values['allow-path'] ?? []) as string[], cwd: io.cwd });
    // Without --full: the metric values alone (the top-level numbers of the same result).
    io.stdout(metricsJson(args.values.full ? result : perMetric((name) => result[name]), Boolean(args.values.json)));
    return EXIT_OK;
  },
};
