// `vadc score <run-or-package> <input>`: per-frame anomaly scores of a video file, a frame folder or a live stream,
// with a trained run or a model package; no labels needed. Frame scores are smoothed as live decisions are (the
// recipe's smoothing made causal, runtime detect/score-input.ts decisionSmoothing; `eval` keeps the official one) and,
// with the calibrated threshold (`vadc calibrate`) or --threshold, each frame is decided normal / abnormal and
// abnormal frames are grouped into events. The work is runtime detect/score-file.ts (files) and
// detect/score-stream.ts (streams); this file parses the options and prints.
import { join, resolve } from 'node:path';
import { DatasetError, openDetector, eventsJson, startProgress, describeDecisionSmoothing, DEFAULT_RECONNECT, isStreamInput, parseFrameSize, scoreStream, engineOption, scoreFile, writeScoredFiles, drawScoredFile } from '@vadc/runtime';
import { EXIT_OK, InputError, UsageError, type Command } from '../command.ts';
import { parseQueueUrl } from '../queue/connection.ts';
import { CoordinatorStopped, EXIT_INTERRUPTED } from '../queue/coordinator-interrupt.ts';
import { ATTEMPTS_OPTION_HELP, attemptsOption, QUEUE_OPTION_HELP } from '../queue/option-help.ts';
import { queueScore } from '../queue/score-queue.ts';
import { TEST_MASKS_OPTION_HELP, testMasksOption } from './test-masks-option.ts';

const numberOption = (value: unknown, name: string, positive = false): number | null => {
  if (value === undefined) return null;
  const parsed = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(parsed) || (positive && !(parsed > 0))) throw new UsageError(`--${name} must be a${positive ? ' positive' : ''} number, not "${String(value)}"`);
  return parsed;
};

/** The input's own problems (a damaged video, a stream that is gone, bytes that are not frames) as input errors: exit 2. */
async function asInputError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw error instanceof DatasetError ? new InputError(error.message) : error;
  }
}

export const scoreCommand: Command = {
  usage: 'vadc score <run-folder-or-package> <video-file | frame-folder | rtsp://... | http://... | -> [--out dir] [--threshold t] [--draw] [--mp4] [--fps n] [--reconnect n] [--reconnect-delay s] [--engine auto|tfjs|onnx] [--test-masks file.json] [--json]\n       vadc score <run-folder> <video-or-frame-folder>... --queue redis://host:port [--out dir] [--engine auto|tfjs|onnx] [--backend b] [--json]',
  options: {
    out: { type: 'string' }, draw: { type: 'boolean' }, mp4: { type: 'boolean' }, threshold: { type: 'string' }, 'map-threshold': { type: 'string' },
    fps: { type: 'string' }, backend: { type: 'string' }, engine: { type: 'string' }, 'frame-size': { type: 'string' }, 'max-frames': { type: 'string' },
    queue: { type: 'string' }, attempts: { type: 'string' }, json: { type: 'boolean' }, reconnect: { type: 'string' }, 'reconnect-delay': { type: 'string' },
    'test-masks': { type: 'string' },
  },
  help: {
    description: 'Scores every frame of the input with a run folder (on the run\'s runtime.engine, default auto; --engine overrides) or a model package ' +
      '(vadc export; onnxruntime). Files and frame folders write scores.csv (raw components), decisions.csv (score, smoothed score, ' +
      'abnormal per frame), events.json and events.csv (runs of abnormal frames with start, end and peak) into --out. ' +
      'Thresholds apply to frame scores smoothed live: the recipe\'s scoring.smoothing made causal (past frames only, edges ' +
      'renormalised, so the first frames can alarm; vadc eval keeps the official smoothing for its metrics); the ' +
      'threshold is the calibrated one (vadc calibrate) unless --threshold gives one. Times are the input\'s own (its frame rate; ' +
      'an input without a usable one needs --fps). A stream (rtsp://, http://, any URL ffmpeg ' +
      'reads, or - for raw RGB24 frames on stdin) is scored live: each event is printed to stdout as a JSON line when it starts ' +
      'and when it ends, then a summary line with frames/s and latency. A live stream that drops is reconnected; the frames lost ' +
      'are a "gap" line, and when reconnecting gives up the command exits 2 naming the input and the last error. With --out a ' +
      'stream appends each decision to decisions.csv and each line to events.jsonl as it happens. Progress goes to stderr. ' +
      'Input errors (a damaged video, a stream that cannot be read, raw bytes that are not frames of --frame-size) exit 2.',
    options: {
      out: 'output folder (default <run-or-package>/scored/<input name>; a stream writes files only with --out)',
      threshold: 'operating threshold on smoothed frame scores (default: the calibrated one)',
      'map-threshold': 'patch-map value above which regions are boxed in abnormal frames (default: the calibrated one, else the 99th percentile of the input\'s map values)',
      draw: 'write frames/<n>.png: abnormal frames get a red border and boxes around their regions, normal frames stay as they are',
      mp4: 'write annotated.mp4 (H.264, the same drawing) with the bundled ffmpeg',
      fps: 'frame rate of the input, for event times in seconds: overrides the rate the input declares (needed for raw frames on stdin and videos without a usable rate; a frame folder without it has times in frames only, and --mp4 plays it at 25)',
      reconnect: `attempts to reopen a live stream (rtsp://, http://, a device) after it drops, before giving up (default ${DEFAULT_RECONNECT.attempts}; 0: give up at once)`,
      'reconnect-delay': `seconds before the first attempt, doubled for each next one up to 30 (default ${DEFAULT_RECONNECT.delaySeconds})`,
      engine: 'auto, tfjs (the reference) or onnx (onnxruntime); default for run folders: the run\'s runtime.engine (auto: TF.js on a GPU, else the fastest installed CPU engine); a package always uses onnx',
      backend: 'TF.js backend for --engine tfjs (default the recipe\'s runtime.backend)',
      'frame-size': 'WIDTHxHEIGHT of the raw RGB24 frames read from stdin when the input is -',
      'max-frames': 'stop a stream after this many frames',
      'test-masks': `${TEST_MASKS_OPTION_HELP} (a video file or frame folder: its masks are the video of the input's name, or the file's only video; not for streams)`,
 json: 'print the result as one JSON object on stdout: the output folder, its files and events.json\'s content (with --draw / --mp4 also the regions boxed); a stream prints JSON lines with or without it',
      queue: QUEUE_OPTION_HELP + ' (any number of video files or frame folders, one job per input; each input\'s scores.csv, decisions.csv and events files identical to a local vadc score of it; an input that fails is named and the others are still written, exit 2; not with --draw / --mp4 or streams)',
      attempts: ATTEMPTS_OPTION_HELP,
    },
    examples: [
      'vadc score runs/quickstart/latest clip.mp4 --mp4',
      'vadc score runs/quickstart/latest/package http://127.0.0.1:8090/live',
      'vadc score deploy/quickstart rtsp://user:password@192.168.1.20/stream1 --reconnect 10 --out live/',
      'ffmpeg -i cam.mp4 -f rawvideo -pix_fmt rgb24 - | vadc score deploy/quickstart - --frame-size 144x96 --fps 25',
    ],
  },
  async run(args, io) {
    if (typeof args.values.queue === 'string') {
      const [runFolder, ...inputs] = args.positionals;
      if (runFolder === undefined || inputs.length === 0) throw new UsageError('give a run folder and at least one video file or frame folder');
      if (args.values.draw || args.values.mp4) throw new UsageError('--draw and --mp4 are not available with --queue: score the videos to draw locally');
      if (args.values['test-masks'] !== undefined) throw new UsageError('--test-masks is not available with --queue: score the videos locally');
      const out = typeof args.values.out === 'string' ? args.values.out : null;
      const backend = typeof args.values.backend === 'string' ? args.values.backend : null;
      const json = args.values.json === true;
      const engine = args.values.engine === undefined ? null : engineOption(args.values.engine);
      const threshold = numberOption(args.values.threshold, 'threshold');
      const fps = numberOption(args.values.fps, 'fps', true);
      const queue = { address: parseQueueUrl(args.values.queue, io.env), attempts: attemptsOption(args.values.attempts) };
      let written: string[];
      try {
        written = await queueScore({ folder: runFolder, inputs, out, backend, engine, threshold, fps }, queue, json ? { ...io, stdout: io.stderr } : io);
      } catch (error) {
        if (error instanceof CoordinatorStopped) return EXIT_INTERRUPTED;
        throw error;
      }
      if (json) io.stdout(`${JSON.stringify({ scores: written }, null, 2)}\n`);
      return EXIT_OK;
    }
    if (args.values.attempts !== undefined) throw new UsageError('--attempts needs --queue (a local score runs once)');
    const [model, input, ...extra] = args.positionals;
    if (model === undefined || input === undefined || extra.length > 0) throw new UsageError('give a run folder or model package, and one video file, frame folder or stream');
    const thresholdFlag = numberOption(args.values.threshold, 'threshold');
    const mapThresholdFlag = numberOption(args.values['map-threshold'], 'map-threshold');
    const fpsFlag = numberOption(args.values.fps, 'fps', true);
    const maxFrames = numberOption(args.values['max-frames'], 'max-frames', true);
    const reconnectAttempts = numberOption(args.values.reconnect, 'reconnect');
    if (reconnectAttempts !== null && !(Number.isInteger(reconnectAttempts) && reconnectAttempts >= 0)) throw new UsageError(`--reconnect must be a whole number of attempts (0 or more), not "${String(args.values.reconnect)}"`);
    const reconnectDelay = numberOption(args.values['reconnect-delay'], 'reconnect-delay', true);
    const engine = args.values.engine === undefined ? null : engineOption(args.values.engine);
    const stream = isStreamInput(input);
    const frameSize = typeof args.values['frame-size'] === 'string' ? parseFrameSize(args.values['frame-size']) : null;
    if (input === '-' && frameSize === null) throw new UsageError('reading raw frames from stdin (-) needs --frame-size WIDTHxHEIGHT');
    if (stream && args.values['test-masks'] !== undefined) throw new UsageError('--test-masks takes a video file or frame folder, not a stream (its masks are listed per frame of a known video)');
    const detector = await openDetector(model, io.cwd, { engine, backend: typeof args.values.backend === 'string' ? args.values.backend : null });
    const log = (text: string) => io.stderr(`${text}\n`);
    try {
      log(`engine: ${detector.description}`);
      const threshold = thresholdFlag ?? detector.threshold?.value ?? null;
      log(threshold === null
        ? 'threshold: none (run vadc calibrate, or pass --threshold): scores only, no decisions'
        : `threshold: ${threshold.toPrecision(6)} on smoothed scores (${thresholdFlag !== null ? 'from --threshold' : detector.threshold?.chosen ?? ''})`);
      const decisionSmoothing = describeDecisionSmoothing(detector.plan);
      if (thresholdFlag === null && detector.threshold !== null && !detector.threshold.chosen.includes(decisionSmoothing)) {
        log(`warning: the threshold was calibrated on scores smoothed otherwise than decisions now are (${decisionSmoothing}): rerun vadc calibrate`);
      }
      if (stream) {
        if (threshold === null) throw new UsageError('a stream needs a threshold: run vadc calibrate on the run, or pass --threshold');
        const reconnect = { attempts: reconnectAttempts ?? DEFAULT_RECONNECT.attempts, delaySeconds: reconnectDelay ?? DEFAULT_RECONNECT.delaySeconds };
        const out = typeof args.values.out === 'string' ? resolve(io.cwd, args.values.out) : null;
        await asInputError(scoreStream(detector, input, { threshold, fps: fpsFlag, frameSize, maxFrames, reconnect, out, write: io.stdout, log }));
        return EXIT_OK;
      }
      const draw = args.values.draw === true || args.values.mp4 === true;
      if (draw && threshold === null) throw new UsageError('--draw and --mp4 mark abnormal frames, which needs a threshold: run vadc calibrate, or pass --threshold');
      const testMasks = await testMasksOption(args.values['test-masks'], detector.plan, io.cwd, log);
      let bar: ReturnType<typeof startProgress> | undefined;
      const file = await asInputError(scoreFile(detector, resolve(io.cwd, input), {
        threshold, fps: fpsFlag, testMasks,
        onOpen: (source, fps) => {
          const rate = fps === null ? 'no frame rate (a frame folder: times in frames only; --fps gives seconds)' : `${fps} fps (${fpsFlag === null ? 'the input\'s' : '--fps'})`;
          log(`input ${source.name}: ${source.frameCount} frames, ${source.resolution[1]}x${source.resolution[0]}, ${rate}`);
          bar = startProgress('score', source.frameCount, { write: io.stderr, isTerminal: io.isTerminal, unit: 'frames' });
        },
        onBatch: (frames) => bar?.tick(frames),
      }));
      bar?.done();
      const { source, scored, fps } = file;
      const outDir = resolve(io.cwd, typeof args.values.out === 'string' ? args.values.out : join(detector.path, 'scored', source.name));
      await writeScoredFiles(outDir, file.files);
      const abnormal = scored.decisions?.reduce((sum, value) => sum + value, 0) ?? 0;
      const json = args.values.json === true;
      const summary = `${outDir}: ${source.frameCount} frames scored` +
        (threshold === null ? ' (no threshold: no decisions)\n' : `, ${abnormal} abnormal in ${scored.events.length} events (events.csv, events.json)\n`);
      // --json: the human lines become logs on stderr, and stdout carries one JSON object at the end.
      if (json) io.stderr(summary); else io.stdout(summary);
      const result: Record<string, unknown> = {
        out: outDir,
        files: { scores: join(outDir, 'scores.csv'), decisions: join(outDir, 'decisions.csv'), events_json: join(outDir, 'events.json'), events_csv: join(outDir, 'events.csv') },
        ...(eventsJson(source.name, scored, fps, decisionSmoothing) as Record<string, unknown>),
      };
      if (draw) {
        const mp4 = args.values.mp4 === true ? join(outDir, 'annotated.mp4') : null;
        const { boxes, mapThreshold } = await drawScoredFile(detector, file, { outDir, mapThreshold: mapThresholdFlag, pngs: args.values.draw === true, mp4 });
        const drawn = `${outDir}: ${boxes} regions boxed in abnormal frames (map threshold ${mapThreshold.toPrecision(6)})${args.values.draw === true ? '; frames/' : ''}${mp4 ? `; ${mp4}` : ''}\n`;
        if (json) io.stderr(drawn); else io.stdout(drawn);
        Object.assign(result, { regions_boxed: boxes, map_threshold: mapThreshold, frames_folder: args.values.draw === true ? join(outDir, 'frames') : null, mp4 });
      }
      if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return EXIT_OK;
    } finally {
      await detector.release();
    }
  },
};
