// The explicit list of `vadc` subcommands: a new command is one file in this folder plus one line here. Each line
// names and summarises its command and loads the file only when the command runs, so that `vadc --version`, `vadc
// --help` and a mistyped command answer without loading the engines (tfjs, onnxruntime, sharp) the commands import.
import type { CommandEntry } from '../command.ts';

export const commands: CommandEntry[] = [
  { name: 'run', summary: 'Run a recipe end to end: train, score the test split, evaluate, report', load: async () => (await import('./run.ts')).runCommand },
  { name: 'train', summary: 'Train a recipe\'s model (all stages) without scoring; `vadc eval` scores it later', load: async () => (await import('./run.ts')).trainCommand },
  { name: 'eval', summary: 'Score and evaluate a trained run again (scores.csv, metrics.json, report.html)', load: async () => (await import('./eval.ts')).evalCommand },
  { name: 'export', summary: 'Write a run\'s trained model as a model package (ONNX graph + manifest)', load: async () => (await import('./export.ts')).exportCommand },
  { name: 'compare', summary: 'Compare runs: metrics, speed and recipe differences', load: async () => (await import('./compare.ts')).compareCommand },
  { name: 'data', summary: 'Dataset tools: `data inspect <recipe>` checks a dataset and counts what it holds', load: async () => (await import('./data-inspect.ts')).dataCommand },
  { name: 'validate', summary: 'Check recipes: every error with file:line:column and key', load: async () => (await import('./validate.ts')).validateCommand },
  { name: 'render', summary: 'Print the resolved Plan of a recipe (YAML or JSON), optionally where each value came from', load: async () => (await import('./render.ts')).renderCommand },
  { name: 'schema', summary: 'Print the JSON Schema of recipes (for editor completion)', load: async () => (await import('./schema.ts')).schemaCommand },
  { name: 'metrics', summary: 'Frame AUC, RBDC, TBDC and pixel AUC of any method, from a JSON file', load: async () => (await import('./metrics.ts')).metricsCommand },
  { name: 'bench', summary: 'Measure training and inference frames/s of a recipe\'s model on generated inputs, on the engine `vadc run` would use', load: async () => (await import('./bench.ts')).benchCommand },
  { name: 'sweep', summary: 'Run a recipe\'s sweep grid: one training per distinct model, scoring-only keys re-use stored components', load: async () => (await import('./sweep.ts')).sweepCommand },
  { name: 'score', summary: 'Score a video file, frame folder or live stream with a trained run or model package; events at the calibrated threshold', load: async () => (await import('./score.ts')).scoreCommand },
  { name: 'calibrate', summary: 'Choose the operating threshold on normal footage (no test labels); vadc score decides with it', load: async () => (await import('./calibrate.ts')).calibrateCommand },
  { name: 'worker', summary: 'Take sweep and scoring jobs from a Redis queue (BullMQ) until stopped', load: async () => (await import('./worker.ts')).workerCommand },
  { name: 'queue', summary: 'Operate the queue: status, cancel or attach to sweeps and score batches', load: async () => (await import('./queue.ts')).queueCommand },
  { name: 'import', summary: 'Import an official aed-mae checkpoint (.pth) as a run folder, ready for eval, export, calibrate and score', load: async () => (await import('./import.ts')).importCommand },
];
