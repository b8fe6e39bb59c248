// `scoring.calibration` in a recipe: `vadc run` calibrates right after training, on the training videos the recipe
// holds out of training, before scoring the test split (so the report shows false alarms and misses at the
// calibrated threshold). Without held-out videos it says so on stderr and goes on: `vadc calibrate --normal` can
// calibrate the finished run.
import { join } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { type Engine } from '../engine/engine.ts';
import { type MaskedAutoencoder } from '../model/autoencoder.ts';
import { UsageError, type CommandIO } from '../run-io.ts';
import { calibrate, normalFootage } from '../detect/calibrate-run.ts';
import { CALIBRATION_FILE, describeCalibration } from '../detect/calibration-file.ts';
import { detectorFromModel } from '../detect/detector.ts';
import { writeJsonAtomic } from '../run-folder/files.ts';
import { type RunFolder } from '../run-folder/run-folder.ts';

/** Calibrates the trained model when the plan asks for it; writes calibration.json. */
export async function calibrateAfterTraining(run: RunFolder, plan: Plan, model: MaskedAutoencoder, engine: Engine, backend: string, io: CommandIO): Promise<void> {
  const wanted = plan.scoring.calibration ?? null;
  if (wanted === null) return;
  const detector = await detectorFromModel(run, plan, model, engine, backend);
  try {
    const footage = await normalFootage(detector, [], run.directory).catch((error: unknown) => {
      if (error instanceof UsageError) {
        io.stderr(`calibration skipped: ${error.message.replace(/Pass videos.*$/, 'calibrate the finished run with vadc calibrate <run> --normal <video-or-folder>')}\n`);
        return null;
      }
      throw error;
    });
    if (footage === null) return;
    const record = await calibrate(detector, footage, { kind: wanted.target, value: wanted.value }, wanted.fps, (text) => io.stderr(`${text}\n`));
    await writeJsonAtomic(join(run.directory, CALIBRATION_FILE), record);
    io.stderr(`calibration: threshold ${record.threshold.toPrecision(6)} (${describeCalibration(record)})\n`);
  } finally {
    await detector.release();
  }
}
