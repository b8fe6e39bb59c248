// From smoothed frame scores and an operating threshold to decisions: a frame is abnormal when its score is above
// the threshold, and consecutive abnormal frames form one event (start, end, peak). The same rule serves
// calibration (counting false alarms on normal footage), `vadc score` on files and on live streams.

/** A run of consecutive abnormal frames, frames inclusive and 0-based. */
export interface AnomalyEvent {
  start: number;
  end: number;
  /** The frame with the highest score in the event (the first of equals). */
  peak: number;
  peakScore: number;
}

/** Whether each frame is abnormal: score strictly above `threshold`. */
export function frameDecisions(scores: ArrayLike<number>, threshold: number): Uint8Array {
  return Uint8Array.from({ length: scores.length }, (_, frame) => (scores[frame]! > threshold ? 1 : 0));
}

/** The events of a video: maximal runs of frames above `threshold`. */
export function frameEvents(scores: ArrayLike<number>, threshold: number): AnomalyEvent[] {
  const tracker = new EventTracker(threshold);
  const events: AnomalyEvent[] = [];
  for (let frame = 0; frame < scores.length; frame++) {
    const closed = tracker.push(frame, scores[frame]!);
    if (closed !== null) events.push(closed);
  }
  const last = tracker.end();
  if (last !== null) events.push(last);
  return events;
}

/**
 * Events one frame at a time, for live streams: `push` returns the event that the frame closed (the frame after
 * an abnormal run is normal), `end` the event still open when the stream ends.
 */
export class EventTracker {
  private open: AnomalyEvent | null = null;

  constructor(readonly threshold: number) {}

  /** Whether an event is running (its start is known, its end not yet). */
  get current(): Readonly<AnomalyEvent> | null {
    return this.open;
  }

  /** Adds frame `frame` with smoothed `score`; returns the event it closed, if any. */
  push(frame: number, score: number): AnomalyEvent | null {
    if (score > this.threshold) {
      if (this.open === null) this.open = { start: frame, end: frame, peak: frame, peakScore: score };
      else {
        this.open.end = frame;
        if (score > this.open.peakScore) {
          this.open.peak = frame;
          this.open.peakScore = score;
        }
      }
      return null;
    }
    return this.end();
  }

  /** Closes the open event, if any, and returns it. */
  end(): AnomalyEvent | null {
    const closed = this.open;
    this.open = null;
    return closed;
  }
}
