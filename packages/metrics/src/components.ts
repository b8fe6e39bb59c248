// Connected components of a binary mask, the one implementation the dataset readers (GT masks -> regions) and the
// localization metrics share.
import type { Box } from './boxes.ts';
import { MetricsError } from './errors.ts';

/** One connected component: its label in `labels`, inclusive bounding box and pixel count. */
export interface Component {
  label: number;
  box: Box;
  area: number;
}

/** Components of one mask: `labels` (H*W, row-major) holds 0 for background and 1..count for components. */
export interface ComponentLabeling {
  count: number;
  labels: Int32Array;
  components: Component[];
}

/**
 * Labels the connected components of a (H, W) row-major mask (non-zero = foreground) with 4- or 8-connectivity.
 * Components are numbered in raster order of their first pixel (top row first, then leftmost).
 */
export function connectedComponents(
  mask: ArrayLike<number | boolean>,
  height: number,
  width: number,
  connectivity: 4 | 8 = 8,
): ComponentLabeling {
  if (mask.length !== height * width) {
    throw new MetricsError('LENGTH_MISMATCH', `mask has ${mask.length} values, expected ${height}x${width}`, { field: 'mask' });
  }
  const labels = new Int32Array(height * width);
  const stack = new Int32Array(height * width);
  const components: Component[] = [];
  for (let start = 0; start < labels.length; start++) {
    if (!mask[start] || labels[start] !== 0) continue;
    const label = components.length + 1;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    let [x1, y1, x2, y2] = [width, height, -1, -1];
    let area = 0;
    while (top > 0) {
      const pixel = stack[--top]!;
      const y = Math.floor(pixel / width);
      const x = pixel - y * width;
      area += 1;
      if (x < x1) x1 = x;
      if (x > x2) x2 = x;
      if (y < y1) y1 = y;
      if (y > y2) y2 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
          if (connectivity === 4 && dx !== 0 && dy !== 0) continue;
          const neighbour = ny * width + nx;
          if (mask[neighbour] && labels[neighbour] === 0) {
            labels[neighbour] = label;
            stack[top++] = neighbour;
          }
        }
      }
    }
    components.push({ label, box: [x1, y1, x2, y2], area });
  }
  return { count: components.length, labels, components };
}
