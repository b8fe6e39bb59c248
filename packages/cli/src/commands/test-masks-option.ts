// The `--test-masks <file>` option of `vadc eval` and `vadc score`: test-time masks given instead of drawn
// (runtime score/given-test-masks.ts has the format), e.g. the masks the official PyTorch code used.
import { resolve } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { planTestMaskShape, readGivenTestMasks, TEST_MASKS_FORMAT, type GivenTestMasks } from '@vadc/runtime';

/** What `--test-masks` does, for the commands' help. */
export const TEST_MASKS_OPTION_HELP = `JSON file of test-time masks to score under instead of drawing them: { "${TEST_MASKS_FORMAT}": 1, "grid": [rows, cols], `
  + '"videos": { "<video>": [[patches kept in frame 0], [frame 1], ...] } }: per frame the patches (row * cols + col) the encoder sees, '
  + 'in the order it sees them (the official ids_shuffle[:len_keep]), exactly as many as the model keeps; one mask per frame, replacing '
  + 'scoring.test_masks. Any mismatch (grid, count, index, frames) is an input error naming the file, video and frame';

/** Reads `--test-masks` (relative to `cwd`) and checks it against the plan's model; null without the option. */
export async function testMasksOption(value: unknown, plan: Plan, cwd: string, log: (line: string) => void): Promise<GivenTestMasks | null> {
  if (typeof value !== 'string') return null;
  const masks = await readGivenTestMasks(resolve(cwd, value), planTestMaskShape(plan), value);
  log(`test-time masks: given by ${value} (${[...masks.videos.keys()].length} video(s), sha256 ${masks.sha256.slice(0, 12)}), not drawn`);
  return masks;
}
