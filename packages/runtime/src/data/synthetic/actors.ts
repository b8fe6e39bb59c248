// The moving things of the synthetic benchmark: people-like walkers (body ellipse, head, swinging legs and arms),
// vehicles and thrown objects. An actor is plain data; `actorShapes` turns it into shapes at a frame, so a frame can
// be rendered on its own, in any order, deterministically.
import { rasterizeMask, type Shape } from './shapes.ts';

/** What an actor is; every kind but `walker` is an anomaly of the same name. */
export type ActorKind = 'walker' | 'running' | 'wrong-direction' | 'loitering' | 'vehicle' | 'thrown-object';

/** A straight path: position at frame `start` plus velocity in pixels per frame; y is where the feet / bottom are. */
export interface Path {
  start: number;
  x: number;
  y: number;
  velocityX: number;
  velocityY: number;
  /** Downward acceleration in pixels per frame^2 (thrown objects), else 0. */
  gravity: number;
}

/** One actor of a video. */
export interface Actor {
  kind: ActorKind;
  /** 1-based track id of an anomaly (unique per video), 0 for normal walkers. */
  trackId: number;
  path: Path;
  /** Size in pixels: a person's height, a vehicle's length, a thrown object's diameter. */
  size: number;
  /** Grey level of the main body. */
  value: number;
  /** Frames [from, to) during which a loitering walker stands and fidgets instead of walking; null otherwise. */
  pause: [number, number] | null;
  /** Frames [from, to) the actor exists in (a thrown object lands and is gone). */
  lifetime: [number, number];
  /** Phase offsets of the fidgeting of a loiterer. */
  jitterPhase: [number, number];
}

/** Frames of walking time the actor has done by `frame` (pauses do not count). */
function travelTime(actor: Actor, frame: number): number {
  let time = frame - actor.path.start;
  if (actor.pause !== null) {
    const [from, to] = actor.pause;
    time -= Math.max(0, Math.min(frame, to) - from);
  }
  return time;
}

/** Whether the actor counts as anomalous at `frame` (a loiterer only while it loiters). */
export function isAnomalousAt(actor: Actor, frame: number): boolean {
  if (actor.kind === 'walker') return false;
  if (actor.kind === 'loitering') return actor.pause !== null && frame >= actor.pause[0] && frame < actor.pause[1];
  return true;
}

function personShapes(x: number, feetY: number, height: number, phase: number, value: number): Shape[] {
  const swing = 0.4 * Math.sin(phase);
  const legLength = 0.36 * height;
  const armLength = 0.3 * height;
  const hipY = feetY - legLength;
  const shoulderY = feetY - 0.72 * height;
  const limb = (fromX: number, fromY: number, length: number, thickness: number, angle: number, shade: number): Shape => ({
    // A rectangle whose long axis points (-sin a, cos a) from its joint.
    kind: 'rect',
    centerX: fromX - (Math.sin(angle) * length) / 2,
    centerY: fromY + (Math.cos(angle) * length) / 2,
    halfWidth: Math.max(0.6, thickness),
    halfHeight: length / 2,
    angle,
    value: shade,
  });
  const legShade = Math.max(0, value - 25);
  return [
    limb(x, hipY, legLength, 0.05 * height, swing, legShade),
    limb(x, hipY, legLength, 0.05 * height, -swing, legShade),
    { kind: 'ellipse', centerX: x, centerY: feetY - 0.54 * height, halfWidth: Math.max(1, 0.15 * height), halfHeight: 0.21 * height, angle: 0, value },
    limb(x, shoulderY, armLength, 0.035 * height, -swing * 0.8, value + 10),
    limb(x, shoulderY, armLength, 0.035 * height, swing * 0.8, value + 10),
    { kind: 'ellipse', centerX: x, centerY: feetY - 0.86 * height, halfWidth: Math.max(1, 0.09 * height), halfHeight: Math.max(1, 0.1 * height), angle: 0, value: Math.min(255, value + 30) },
  ];
}

function vehicleShapes(x: number, bottomY: number, length: number, value: number): Shape[] {
  const bodyHeight = 0.32 * length;
  const wheel = 0.11 * length;
  return [
    { kind: 'rect', centerX: x, centerY: bottomY - wheel - bodyHeight / 2, halfWidth: length / 2, halfHeight: bodyHeight / 2, angle: 0, value },
    { kind: 'rect', centerX: x, centerY: bottomY - wheel - bodyHeight * 1.3, halfWidth: length * 0.28, halfHeight: bodyHeight * 0.35, angle: 0, value: Math.min(255, value + 35) },
    { kind: 'ellipse', centerX: x - length * 0.3, centerY: bottomY - wheel, halfWidth: wheel, halfHeight: wheel, angle: 0, value: 20 },
    { kind: 'ellipse', centerX: x + length * 0.3, centerY: bottomY - wheel, halfWidth: wheel, halfHeight: wheel, angle: 0, value: 20 },
  ];
}

/** The actor's shapes at `frame`, or null when it does not exist then. Shapes may lie partly off-frame. */
export function actorShapes(actor: Actor, frame: number): Shape[] | null {
  if (frame < actor.lifetime[0] || frame >= actor.lifetime[1]) return null;
  const { path } = actor;
  const time = travelTime(actor, frame);
  let x = path.x + path.velocityX * time;
  let y = path.y + path.velocityY * time + 0.5 * path.gravity * time * time;
  const speed = Math.hypot(path.velocityX, path.velocityY);
  // The gait advances with the distance walked: one stride is about half the body height.
  let phase = (2 * Math.PI * speed * time) / (0.5 * actor.size);
  if (actor.pause !== null && frame >= actor.pause[0] && frame < actor.pause[1]) {
    // Loitering: small erratic steps around the stop point, limbs moving slowly and irregularly.
    const local = frame - actor.pause[0];
    const [a, b] = actor.jitterPhase;
    x += 0.12 * actor.size * (Math.sin(0.21 * local + a) + 0.6 * Math.sin(0.53 * local + b));
    y += 0.04 * actor.size * Math.sin(0.17 * local + b);
    phase = 0.7 * Math.sin(0.31 * local + a);
  }
  switch (actor.kind) {
    case 'vehicle':
      return vehicleShapes(x, y, actor.size, actor.value);
    case 'thrown-object':
      return [{ kind: 'ellipse', centerX: x, centerY: y, halfWidth: actor.size / 2, halfHeight: actor.size / 2, angle: 0, value: actor.value }];
    default:
      return personShapes(x, y, actor.size, phase, actor.value);
  }
}

/**
 * Rasterises the actor into `mask` (cleared first) when it is anomalous at `frame`; whether any of its pixels is in
 * the frame. The ground truth is exactly this, so a scenario that asks whether an anomaly is in view asks it too.
 */
export function rasterizeAnomaly(actor: Actor, frame: number, height: number, width: number, mask: Uint8Array): boolean {
  if (!isAnomalousAt(actor, frame)) return false;
  const shapes = actorShapes(actor, frame);
  if (shapes === null) return false;
  mask.fill(0);
  rasterizeMask(shapes, height, width, mask);
  return mask.includes(1);
}
