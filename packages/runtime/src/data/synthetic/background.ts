// The static scene of the synthetic benchmark: a paved walkway crossing the frame horizontally between two lawns,
// seen by a fixed camera. Every video of one seed shares the scene (as the videos of a real dataset share a camera).
import { Random } from '../../random.ts';
import { drawShapes, type Canvas, type Shape } from './shapes.ts';

/** The scene: its greyscale background and where the walkway is (rows, in pixels). */
export interface Scene {
  height: number;
  width: number;
  /** [height * width] grey levels in [0, 255]. */
  background: Float32Array;
  walkwayTop: number;
  walkwayBottom: number;
}

/** Smooth value noise in [0, 1]: random values on a coarse grid, bilinearly interpolated. */
function valueNoise(random: Random, height: number, width: number, cell: number): Float32Array {
  const gridHeight = Math.ceil(height / cell) + 2;
  const gridWidth = Math.ceil(width / cell) + 2;
  const grid = new Float32Array(gridHeight * gridWidth);
  for (let index = 0; index < grid.length; index++) grid[index] = random.next();
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const gy = y / cell;
    const y0 = Math.floor(gy);
    const fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = x / cell;
      const x0 = Math.floor(gx);
      const fx = gx - x0;
      const a = grid[y0 * gridWidth + x0] as number;
      const b = grid[y0 * gridWidth + x0 + 1] as number;
      const c = grid[(y0 + 1) * gridWidth + x0] as number;
      const d = grid[(y0 + 1) * gridWidth + x0 + 1] as number;
      out[y * width + x] = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }
  }
  return out;
}

/** Builds scene number `index` (0 unless the benchmark has several cameras) for a seed at a native resolution [height, width]. */
export function buildScene(seed: number, height: number, width: number, index = 0): Scene {
  // Scene 0 keeps the stream it had before scenes existed, so one-scene benchmarks generate the same frames.
  const random = Random.derive(seed, index === 0 ? 'synthetic/scene' : `synthetic/scene-${index}`);
  const walkwayTop = Math.round(height * random.uniform(0.38, 0.46));
  const walkwayBottom = Math.round(height * random.uniform(0.74, 0.82));
  const coarse = valueNoise(random, height, width, Math.max(4, Math.round(height / 6)));
  const fine = valueNoise(random, height, width, Math.max(2, Math.round(height / 40)));
  const background = new Float32Array(height * width);
  const tile = Math.max(4, Math.round(height / 10));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = y * width + x;
      const texture = (coarse[offset] as number) * 0.6 + (fine[offset] as number) * 0.4;
      const grain = random.uniform(-6, 6);
      let value: number;
      if (y >= walkwayTop && y <= walkwayBottom) {
        // Paving: light, with darker seams every `tile` pixels along the walkway.
        const seam = x % tile === 0 || (y - walkwayTop) % tile === 0;
        value = 150 + 25 * texture + grain - (seam ? 22 : 0);
      } else {
        value = 70 + 45 * texture + grain * 1.5;
      }
      // A curb line on both edges of the walkway.
      if (y === walkwayTop || y === walkwayBottom) value = 200;
      background[offset] = value;
    }
  }
  // A few fixed props on the lawns (benches, lamp posts): static edges the model must learn to ignore.
  const props: Shape[] = [];
  const propCount = random.integer(2, 4);
  for (let index = 0; index < propCount; index++) {
    const above = random.next() < 0.5;
    const centerY = above ? random.uniform(0.08, 0.3) * height : random.uniform(0.86, 0.95) * height;
    const lamp = random.next() < 0.5;
    props.push({
      kind: 'rect',
      centerX: random.uniform(0.05, 0.95) * width,
      centerY,
      halfWidth: lamp ? Math.max(1, width * 0.006) : width * random.uniform(0.03, 0.06),
      halfHeight: lamp ? height * 0.08 : Math.max(1, height * 0.015),
      angle: 0,
      value: random.next() < 0.5 ? 40 : 215,
    });
  }
  const canvas: Canvas = { height, width, pixels: background };
  drawShapes(canvas, props);
  return { height, width, background, walkwayTop, walkwayBottom };
}
