// Filled shapes on a greyscale canvas: the drawing primitives of the synthetic benchmark and of the procedural
// anomaly generator. A shape is tested per pixel centre inside its bounding box, which is plenty fast at the sizes
// these frames have and keeps every shape (rotated or not) one small inside-test.

/** A filled ellipse or rectangle, rotated by `angle` radians about its centre; sizes are half-extents in pixels. */
export interface Shape {
  kind: 'ellipse' | 'rect';
  centerX: number;
  centerY: number;
  halfWidth: number;
  halfHeight: number;
  angle: number;
  /** Grey level in [0, 255]. */
  value: number;
}

/** A greyscale float canvas, row-major, height x width. */
export interface Canvas {
  height: number;
  width: number;
  pixels: Float32Array;
}

/** Pixel bounds [x1, y1, x2, y2] (inclusive) of the shape clipped to the canvas, or null when it is off-canvas. */
export function shapeBounds(shape: Shape, height: number, width: number): [number, number, number, number] | null {
  const cos = Math.abs(Math.cos(shape.angle));
  const sin = Math.abs(Math.sin(shape.angle));
  const extentX = shape.halfWidth * cos + shape.halfHeight * sin;
  const extentY = shape.halfWidth * sin + shape.halfHeight * cos;
  const x1 = Math.max(0, Math.floor(shape.centerX - extentX));
  const y1 = Math.max(0, Math.floor(shape.centerY - extentY));
  const x2 = Math.min(width - 1, Math.ceil(shape.centerX + extentX));
  const y2 = Math.min(height - 1, Math.ceil(shape.centerY + extentY));
  return x1 > x2 || y1 > y2 ? null : [x1, y1, x2, y2];
}

/**
 * Calls `visit(offset)` for every pixel whose centre lies inside the shape (offset = y * width + x).
 * Returns the number of pixels visited.
 */
export function forEachShapePixel(shape: Shape, height: number, width: number, visit: (offset: number) => void): number {
  const bounds = shapeBounds(shape, height, width);
  if (bounds === null || shape.halfWidth <= 0 || shape.halfHeight <= 0) return 0;
  const [x1, y1, x2, y2] = bounds;
  const cos = Math.cos(shape.angle);
  const sin = Math.sin(shape.angle);
  const inverseWidth = 1 / shape.halfWidth;
  const inverseHeight = 1 / shape.halfHeight;
  let count = 0;
  for (let y = y1; y <= y2; y++) {
    const dy = y + 0.5 - shape.centerY;
    for (let x = x1; x <= x2; x++) {
      const dx = x + 0.5 - shape.centerX;
      // Rotate the pixel into the shape's frame, then normalise by the half-extents.
      const u = (dx * cos + dy * sin) * inverseWidth;
      const v = (-dx * sin + dy * cos) * inverseHeight;
      const inside = shape.kind === 'ellipse' ? u * u + v * v <= 1 : Math.abs(u) <= 1 && Math.abs(v) <= 1;
      if (inside) {
        visit(y * width + x);
        count++;
      }
    }
  }
  return count;
}

/** Paints `shapes` in order onto the canvas; when `mask` is given, marks the painted pixels with 1 in it. */
export function drawShapes(canvas: Canvas, shapes: readonly Shape[], mask?: Uint8Array): void {
  const { pixels, height, width } = canvas;
  for (const shape of shapes) {
    forEachShapePixel(shape, height, width, (offset) => {
      pixels[offset] = shape.value;
      if (mask !== undefined) mask[offset] = 1;
    });
  }
}

/** Marks the pixels covered by any of `shapes` with 1 in `mask` (height x width bytes). */
export function rasterizeMask(shapes: readonly Shape[], height: number, width: number, mask: Uint8Array): void {
  for (const shape of shapes) forEachShapePixel(shape, height, width, (offset) => (mask[offset] = 1));
}
