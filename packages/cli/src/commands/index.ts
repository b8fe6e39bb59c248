// The explicit list of `vadc` subcommands: a new command is one file in this folder plus one line here.
import type { Command } from '../command.ts';
import { calibrateCommand } from './calibrate.ts';
import { compareCommand } from './compare.ts';
import { evalCommand } from './eval.ts';
import { exportCommand } from './export.ts';
import { runCommand, trainCommand } from './run.ts';
import { dataCommand } from './data-inspect.ts';
import { metricsCommand } from './metrics.ts';
import { renderCommand } from './render.ts';
import { schemaCommand } from './schema.ts';
import { scoreCommand } from './score.ts';
import { sweepCommand } from './sweep.ts';
import { validateCommand } from './validate.ts';
import { benchCommand } from './bench.ts';
import { workerCommand } from './worker.ts';
import { queueCommand } from './queue.ts';

export const commands: Command[] = [runCommand, trainCommand, evalCommand, exportCommand, compareCommand, dataCommand, validateCommand, renderCommand, schemaCommand, metricsCommand, benchCommand, sweepCommand, scoreCommand, calibrateCommand, workerCommand, queueCommand];
