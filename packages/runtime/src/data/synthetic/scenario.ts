// Who walks where in one synthetic video. Normal flow: people walk left or right along the walkway at ordinary
// speeds, a steady stream of `walkers` at a time. Test videos add anomaly events of the recipe's kinds, each one
// actor with its own track id.
import type { SyntheticDataPlan } from '@vadc/dsl';
import { Random } from '../../random.ts';
import { rasterizeAnomaly, type Actor, type ActorKind, type Path } from './actors.ts';
import type { Scene } from './background.ts';

/** Anomaly kinds the benchmark can place (the recipe's `data.synthetic.anomalies`). */
export type SyntheticAnomalyKind = SyntheticDataPlan['anomalies'][number];

/** Normal walking speed range as a share of the frame width per frame (crossing in about 90 to 170 frames). */
const NORMAL_SPEED: [number, number] = [0.006, 0.011];

function personValue(random: Random): number {
  // Dark or light clothes, so people contrast with both the paving and the lawn in varying amounts.
  return random.next() < 0.5 ? random.uniform(25, 85) : random.uniform(175, 235);
}

function straightPath(start: number, x: number, y: number, velocityX: number, velocityY: number, gravity = 0): Path {
  return { start, x, y, velocityX, velocityY, gravity };
}

function baseActor(kind: ActorKind, trackId: number, path: Path, size: number, value: number, lifetime: [number, number]): Actor {
  return { kind, trackId, path, size, value, pause: null, lifetime, jitterPhase: [0, 0] };
}

/** A normal walker entering from the left or right edge at frame `start`. */
function walker(random: Random, scene: Scene, start: number, frames: number, speedFactor = 1): Actor {
  const size = scene.height * random.uniform(0.16, 0.22);
  const speed = scene.width * random.uniform(NORMAL_SPEED[0], NORMAL_SPEED[1]) * speedFactor;
  const leftToRight = random.next() < 0.5;
  const margin = size * 0.4;
  const feetY = random.uniform(scene.walkwayTop + size * 0.3, scene.walkwayBottom);
  const x = leftToRight ? -margin : scene.width + margin;
  const path = straightPath(start, x, feetY, leftToRight ? speed : -speed, random.uniform(-0.02, 0.02) * speed);
  const duration = Math.ceil((scene.width + 2 * margin) / speed);
  return baseActor('walker', 0, path, size, personValue(random), [start, Math.min(frames, start + duration)]);
}

/** The stream of normal walkers of a video: about `count` people in view at any time. */
export function normalWalkers(random: Random, scene: Scene, frames: number, count: number): Actor[] {
  const meanSpeed = scene.width * (NORMAL_SPEED[0] + NORMAL_SPEED[1]) * 0.5;
  const crossing = scene.width / meanSpeed;
  const gap = crossing / Math.max(1, count);
  const actors: Actor[] = [];
  // Start the stream a full slow crossing before frame 0, so the first frames are already populated.
  let start = -Math.ceil(scene.width / (scene.width * NORMAL_SPEED[0])) + random.uniform(0, gap);
  while (start < frames) {
    const actor = walker(random, scene, Math.floor(start), frames);
    if (actor.lifetime[1] > 0) actors.push(actor);
    start += gap * random.uniform(0.4, 1.6);
  }
  return actors;
}

/** One anomaly event of `kind` beginning at frame `start` with track id `trackId`. */
export function anomalyActor(kind: SyntheticAnomalyKind, random: Random, scene: Scene, start: number, frames: number, trackId: number): Actor {
  const { height, width } = scene;
  switch (kind) {
    case 'running': {
      const actor = walker(random, scene, start, frames, random.uniform(2.5, 4));
      return { ...actor, kind: 'running', trackId };
    }
    case 'wrong-direction': {
      // Across the flow: top to bottom or bottom to top, over the lawns and through the walkway.
      const size = height * random.uniform(0.16, 0.22);
      const speed = width * random.uniform(NORMAL_SPEED[0], NORMAL_SPEED[1]);
      const down = random.next() < 0.5;
      const y = down ? 0 : height + size;
      const path = straightPath(start, random.uniform(0.2, 0.8) * width, y, random.uniform(-0.15, 0.15) * speed, down ? speed : -speed);
      const duration = Math.ceil((height + size) / speed);
      return baseActor('wrong-direction', trackId, path, size, personValue(random), [start, Math.min(frames, start + duration)]);
    }
    case 'loitering': {
      // Walks in normally, stops somewhere in the middle and fidgets for a while, then walks on.
      const actor = walker(random, scene, 0, frames);
      const speed = Math.abs(actor.path.velocityX);
      const stopX = random.uniform(0.25, 0.75) * width;
      const walkIn = Math.abs(stopX - actor.path.x) / speed;
      const pauseLength = Math.max(4, Math.round(frames * random.uniform(0.2, 0.35)));
      const pathStart = Math.round(start - walkIn);
      const totalWalk = Math.ceil((width + actor.size * 0.8) / speed);
      return {
        ...actor,
        kind: 'loitering',
        trackId,
        path: { ...actor.path, start: pathStart },
        pause: [start, start + pauseLength],
        lifetime: [Math.max(0, pathStart), Math.min(frames, pathStart + totalWalk + pauseLength)],
        jitterPhase: [random.uniform(0, 6.28), random.uniform(0, 6.28)],
      };
    }
    case 'vehicle': {
      const length = height * random.uniform(0.35, 0.5);
      const speed = width * random.uniform(NORMAL_SPEED[0], NORMAL_SPEED[1]) * random.uniform(3, 5);
      const leftToRight = random.next() < 0.5;
      const bottom = random.uniform(scene.walkwayTop + length * 0.6, scene.walkwayBottom);
      const x = leftToRight ? -length / 2 : width + length / 2;
      const path = straightPath(start, x, bottom, leftToRight ? speed : -speed, 0);
      const duration = Math.ceil((width + length) / speed);
      return baseActor('vehicle', trackId, path, length, random.uniform(60, 200), [start, Math.min(frames, start + duration)]);
    }
    case 'thrown-object': {
      // A small ball on a parabola across part of the frame, then gone.
      const size = Math.max(2, height * random.uniform(0.03, 0.05));
      const duration = random.integer(10, 18);
      const leftToRight = random.next() < 0.5;
      const travel = width * random.uniform(0.4, 0.7);
      const x = leftToRight ? random.uniform(0.05, 0.3) * width : width - random.uniform(0.05, 0.3) * width;
      const peak = height * random.uniform(0.2, 0.35);
      const velocityY = (-4 * peak) / duration;
      const gravity = (8 * peak) / (duration * duration);
      const y = random.uniform(scene.walkwayTop, scene.walkwayBottom);
      const path = straightPath(start, x, y, (leftToRight ? travel : -travel) / duration, velocityY, gravity);
      return baseActor('thrown-object', trackId, path, size, random.next() < 0.5 ? 240 : 15, [start, Math.min(frames, start + duration + 1)]);
    }
  }
}

/** How a test video's anomalies are laid out: events spread over it, one in view in every frame, or one small short event. */
export type TestVideoLayout = 'events' | 'throughout' | 'brief';

/** Frames a brief anomaly stays in view (UCSD Ped2 has an anomaly of about this length at its frame rate). */
const BRIEF_FRAMES = 16;

/** The same actor `frames` frames earlier. */
function earlier(actor: Actor, frames: number): Actor {
  return {
    ...actor,
    path: { ...actor.path, start: actor.path.start - frames },
    pause: actor.pause === null ? null : [actor.pause[0] - frames, actor.pause[1] - frames],
    lifetime: [actor.lifetime[0] - frames, actor.lifetime[1] - frames],
  };
}

/** The first frame from `from` (before `until`) in which the actor is an anomaly in view, or null. */
function firstInView(actor: Actor, scene: Scene, from: number, until: number, buffer: Uint8Array): number | null {
  for (let frame = Math.max(from, actor.lifetime[0]); frame < Math.min(until, actor.lifetime[1]); frame++) {
    if (rasterizeAnomaly(actor, frame, scene.height, scene.width, buffer)) return frame;
  }
  return null;
}

/**
 * Anomaly events that follow each other so that one is in view in every frame: each event starts at the first frame
 * no earlier event covers and is moved earlier until it is in view there (an actor walking in from the edge is
 * already partly in the frame). Kinds rotate through the recipe's list.
 */
function eventsThroughout(random: Random, scene: Scene, frames: number, kinds: readonly SyntheticAnomalyKind[]): Actor[] {
  const buffer = new Uint8Array(scene.height * scene.width);
  const covered = new Uint8Array(frames);
  // Actors are generated against a longer horizon, so none is cut short at the video's end and then moved earlier.
  const horizon = 2 * frames;
  const events: Actor[] = [];
  let frame = 0;
  let misses = 0;
  while (frame < frames && misses < kinds.length) {
    const kind = kinds[(events.length + misses) % kinds.length] as SyntheticAnomalyKind;
    const actor = anomalyActor(kind, random, scene, frame, horizon, events.length + 1);
    const first = firstInView(actor, scene, frame, horizon, buffer);
    if (first === null) {
      misses++;
      continue;
    }
    misses = 0;
    const placed = earlier(actor, first - frame);
    events.push(placed);
    for (let next = frame; next < frames; next++) if (rasterizeAnomaly(placed, next, scene.height, scene.width, buffer)) covered[next] = 1;
    while (frame < frames && covered[frame] === 1) frame++;
  }
  return events;
}

/** One small, short anomaly in the middle part of the video: a thrown object, or another kind at half size cut short. */
function briefEvent(random: Random, scene: Scene, frames: number, kinds: readonly SyntheticAnomalyKind[], index: number): Actor {
  const start = Math.floor(frames * random.uniform(0.3, 0.6));
  if (kinds.includes('thrown-object')) return anomalyActor('thrown-object', random, scene, start, frames, 1);
  const kind = kinds[index % kinds.length] as SyntheticAnomalyKind;
  const actor = anomalyActor(kind, random, scene, start, 2 * frames, 1);
  const small = { ...actor, size: actor.size * 0.5 };
  const buffer = new Uint8Array(scene.height * scene.width);
  const first = firstInView(small, scene, start, 2 * frames, buffer) ?? start;
  const placed = earlier(small, first - start);
  return { ...placed, lifetime: [placed.lifetime[0], Math.min(placed.lifetime[1], start + BRIEF_FRAMES)] };
}

/**
 * The actors of one video. Test videos (`eventKinds` non-empty) get anomalies laid out as `layout` says: `events`,
 * one event per listed kind spread over the video; `throughout`, events in view in every frame; `brief`, one small
 * short event (`index` rotates its kind).
 */
export function videoActors(seed: number, label: string, scene: Scene, plan: SyntheticDataPlan, eventKinds: SyntheticAnomalyKind[], layout: TestVideoLayout = 'events', index = 0): Actor[] {
  const random = Random.derive(seed, `synthetic/${label}/actors`);
  const count = random.integer(plan.walkers[0], plan.walkers[1]);
  const actors = normalWalkers(random, scene, plan.frames, count);
  if (eventKinds.length === 0) return actors;
  if (layout === 'throughout') return [...actors, ...eventsThroughout(random, scene, plan.frames, eventKinds)];
  if (layout === 'brief') return [...actors, briefEvent(random, scene, plan.frames, eventKinds, index)];
  // Events start spread over the video, leaving a normal stretch at its start.
  eventKinds.forEach((kind, event) => {
    const slot = plan.frames / (eventKinds.length + 0.5);
    const start = Math.floor(slot * (event + 0.35 + random.uniform(0, 0.3)));
    actors.push(anomalyActor(kind, random, scene, start, plan.frames, event + 1));
  });
  return actors;
}
