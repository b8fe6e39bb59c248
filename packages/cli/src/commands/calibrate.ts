// `vadc calibrate <run-or-package>`: chooses the operating threshold on normal footage, never on test labels, and
// stores it (the run's calibration.json, or the package's manifest); `vadc score` then decides with it. The work is
// runtime detect/calibrate-run.ts calibrateAndStore; this file parses the options and prints.
import type { CalibrationTarget } from '@vadc/metrics';
import { DatasetError, calibrateAndStore, openDetector, engineOption } from '@vadc/runtime';
import { EXIT_OK, InputError, UsageError, type Command } from '../command.ts';

const TARGETS = { 'false-alarms-per-hour': 'false_alarms_per_hour', 'false-alarms-per-frame': 'false_alarms_per_frame', percentile: 'percentile' } as const;

/** The one target option given (default: 1 false alarm per hour). */
function targetOption(values: Record<string, unknown>): CalibrationTarget {
  const given = (Object.keys(TARGETS) as Array<keyof typeof TARGETS>).filter((name) => values[name] !== undefined);
  if (given.length > 1) throw new UsageError(`give one target, not ${given.map((name) => `--${name}`).join(' and ')}`);
  const name = given[0];
  if (name === undefined) return { kind: 'false_alarms_per_hour', value: 1 };
  const value = Number(values[name]);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number, not "${String(values[name])}"`);
  return { kind: TARGETS[name], value };
}

export const calibrateCommand: Command = {
  usage: 'vadc calibrate <run-folder-or-package> [--normal <video-or-folder>]... [--false-alarms-per-hour n | --false-alarms-per-frame r | --percentile p] [--fps n]',
  options: {
    normal: { type: 'string', multiple: true }, 'false-alarms-per-hour': { type: 'string' }, 'false-alarms-per-frame': { type: 'string' },
    percentile: { type: 'string' }, fps: { type: 'string' }, engine: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' },
  },
  help: {
    description: 'Scores normal footage with the model, smooths the frame scores as vadc score decides (live smoothing), and chooses the lowest threshold ' +
      'that meets the target on it: the training videos the run held out of training (a recipe with a validation split), or the ' +
      'videos and frame folders given with --normal (footage known to hold no anomaly; a model package needs --normal). Test videos and labels are never read. ' +
      'The threshold goes into the run\'s calibration.json (or the package\'s vadc-model.json), with the target, the footage and ' +
      'what the threshold gives on it; vadc export copies it into packages. Footage too short for the target (1 false alarm per hour ' +
      'needs hours of it) is a warning, and calibration.json states the finest rate the footage can show. The threshold is printed to stdout, progress to stderr.',
    options: {
      normal: 'a video file or frame folder without anomalies (repeat for more); default for a run folder: its held-out training videos',
      'false-alarms-per-hour': 'at most this many false-alarm events (runs of abnormal frames) per hour of normal footage (default 1)',
      'false-alarms-per-frame': 'at most this share of normal frames abnormal, e.g. 0.001',
      percentile: 'the threshold is this percentile (0-100] of the normal frames\' smoothed scores, e.g. 99.9',
      fps: 'frame rate of the footage, for rates per hour (default: the footage\'s own; else a package\'s earlier calibration; else 25, said)',
      engine: 'auto, tfjs or onnx; default for run folders: the run\'s runtime.engine (auto: TF.js on a GPU, else the fastest installed CPU engine); a package always uses onnx',
      backend: 'TF.js backend for --engine tfjs (default the recipe\'s runtime.backend)',
      json: 'print the calibration record (threshold, target, footage, what it gives on it) and the file it went to as JSON on stdout',
    },
    examples: [
      'vadc calibrate runs/quickstart/latest',
      'vadc calibrate runs/ped2/latest --normal footage/empty-corridor.mp4 --false-alarms-per-hour 2 --fps 10',
      'vadc calibrate deploy/quickstart --normal normal-frames/ --percentile 99.9',
    ],
  },
  async run(args, io) {
    const [model, ...extra] = args.positionals;
    if (model === undefined || extra.length > 0) throw new UsageError('give exactly one run folder or model package');
    const target = targetOption(args.values);
    const fpsFlag = args.values.fps === undefined ? null : Number(args.values.fps);
    if (fpsFlag !== null && !(fpsFlag > 0)) throw new UsageError(`--fps must be a positive number, not "${String(args.values.fps)}"`);
    const normal = Array.isArray(args.values.normal) ? args.values.normal.map(String) : [];
    const engine = args.values.engine === undefined ? null : engineOption(args.values.engine);
    const detector = await openDetector(model, io.cwd, { engine, backend: typeof args.values.backend === 'string' ? args.values.backend : null });
    try {
      const log = (text: string) => io.stderr(`${text}\n`);
      log(`engine: ${detector.description}`);
      const { record, writtenTo: where } = await calibrateAndStore(detector, { normal, target, fps: fpsFlag, cwd: io.cwd, log }).catch((error: unknown) => {
        throw error instanceof DatasetError ? new InputError(error.message) : error;
      });
      if (args.values.json === true) {
        io.stdout(`${JSON.stringify({ ...record, written_to: where }, null, 2)}\n`);
        return EXIT_OK;
      }
      const achieved = record.achieved;
      io.stdout(`threshold ${record.threshold.toPrecision(6)} (${target.kind} ${target.value}): on ${record.frames} normal frames ` +
        `${achieved.abnormal_frames} abnormal in ${achieved.events} events (${achieved.false_alarms_per_hour.toFixed(2)} per hour at ${record.fps} fps); written to ${where}\n` +
        (record.resolution?.warning ? `warning: ${record.resolution.warning}\n` : ''));
      return EXIT_OK;
    } finally {
      await detector.release();
    }
  },
};
