// Inclusive pixel boxes, the convention of the RBDC/TBDC evaluation (Ramachandra & Jones; the widely used
// Georgescu et al. script): a box [x1, y1, x2, y2] covers columns x1..x2 and rows y1..y2, both ends included.

/** An inclusive pixel box `[x1, y1, x2, y2]`, x = column, y = row; one pixel is `[x, y, x, y]`. */
export type Box = readonly [number, number, number, number];

/** Intersection over union of two inclusive boxes (areas count pixels: (x2 - x1 + 1) * (y2 - y1 + 1)). */
export function boxIou(a: Box, b: Box): number {
  const width = Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + 1;
  const height = Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + 1;
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const areaA = (a[2] - a[0] + 1) * (a[3] - a[1] + 1);
  const areaB = (b[2] - b[0] + 1) * (b[3] - b[1] + 1);
  return intersection / (areaA + areaB - intersection);
}

/** Whether a value is a well-formed box: four finite numbers with x1 <= x2 and y1 <= y2. */
export function isBox(value: unknown): value is Box {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((coordinate) => typeof coordinate === 'number' && Number.isFinite(coordinate)) &&
    value[0] <= value[2] &&
    value[1] <= value[3]
  );
}
