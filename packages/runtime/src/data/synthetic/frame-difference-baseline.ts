// The plain frame-difference detector: score(t) = mean |f(t) - f(t - 1)| over all pixels and channels (frame 0
// takes frame 1's score). It knows nothing of the scene, so it catches fast movers and misses wrong directions and
// loitering; the synthetic benchmark is meant to leave it well short of a perfect AUC.
import { rocAuc } from '@vadc/metrics';
import type { DatasetSource, VideoSource } from '../types.ts';

/** Frame-difference scores of every frame of a video. */
export async function frameDifferenceScores(video: VideoSource): Promise<number[]> {
  const scores: number[] = [];
  let previous: Uint8Array | null = null;
  for (let index = 0; index < video.frameCount; index++) {
    const frame = await video.readFrame(index);
    if (previous !== null) {
      let sum = 0;
      for (let offset = 0; offset < frame.length; offset++) sum += Math.abs((frame[offset] as number) - (previous[offset] as number));
      scores.push(sum / frame.length);
    }
    previous = frame;
  }
  if (scores.length > 0) scores.unshift(scores[0] as number);
  else if (video.frameCount === 1) scores.push(0);
  return scores;
}

/** Micro frame AUC of the frame-difference detector over the labelled test videos (null when one class only). */
export async function frameDifferenceAuc(source: DatasetSource): Promise<number | null> {
  const labels: number[] = [];
  const scores: number[] = [];
  for (const video of source.test) {
    if (video.truth === null) continue;
    labels.push(...video.truth.labels);
    scores.push(...(await frameDifferenceScores(video)));
  }
  return rocAuc(labels, scores);
}
