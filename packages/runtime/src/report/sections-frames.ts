// Chosen frames side by side: input, teacher and student reconstructions, anomaly map and teacher-student
// discrepancy, each an inline PNG with the ground-truth boxes drawn over it as SVG.
import { escapeHtml, formatMetric } from './format.ts';
import { missing } from './html.ts';
import { pngDataUri } from './png.ts';
import type { ReportBox, ReportFrame, ReportImage } from './types.ts';

const PANELS: Array<['input' | 'teacher' | 'student' | 'anomalyMap' | 'discrepancy', string]> = [
  ['input', 'input'],
  ['teacher', 'teacher reconstruction'],
  ['student', 'student reconstruction'],
  ['anomalyMap', 'anomaly map'],
  ['discrepancy', 'teacher-student discrepancy'],
];

/** Panels are shown about 180 CSS px wide; 360 keeps them sharp on a high-density screen. */
const PANEL_MAX_WIDTH = 360;

/** SVG rectangles for inclusive boxes: [x1, y1, x2, y2] covers x2 - x1 + 1 pixels across. */
export function boxRects(boxes: ReportBox[]): string {
  return boxes
    .map(([x1, y1, x2, y2]) => `<rect class="box" x="${x1}" y="${y1}" width="${x2 - x1 + 1}" height="${y2 - y1 + 1}"/>`)
    .join('');
}

function panel(frame: ReportFrame, image: ReportImage | undefined, label: string): string {
  const caption = `<div class="panel-label">${escapeHtml(label)}</div>`;
  const aspect = `aspect-ratio:${frame.width} / ${frame.height}`;
  if (!image) return `<div class="panel"><div class="image placeholder" style="${aspect}">not available</div>${caption}</div>`;
  let source: string;
  try {
    source = pngDataUri(image, PANEL_MAX_WIDTH);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `<div class="panel"><div class="image placeholder" style="${aspect}">${escapeHtml(reason)}</div>${caption}</div>`;
  }
  const alt = `${label} of ${frame.video} frame ${frame.frame}`;
  // The overlay's viewBox is the frame's size, so boxes land right on panels of any resolution (maps are smaller).
  const overlay = frame.boxes && frame.boxes.length > 0
    ? `<svg class="overlay" data-overlay="${escapeHtml(label)}" viewBox="0 0 ${frame.width} ${frame.height}" preserveAspectRatio="none">${boxRects(frame.boxes)}</svg>`
    : '';
  return `<div class="panel"><div class="image" style="${aspect}"><img src="${source}" alt="${escapeHtml(alt)}">${overlay}</div>${caption}</div>`;
}

/** One row of panels per chosen frame. */
export function framesSection(frames: ReportFrame[] | undefined): string {
  if (!frames || frames.length === 0) return missing('no frames were chosen');
  const rows = frames.map((frame) => {
    const score = frame.score !== undefined ? `, score ${formatMetric(frame.score)}` : '';
    const regions = frame.boxes && frame.boxes.length > 0 ? `, ${frame.boxes.length} ground-truth region${frame.boxes.length === 1 ? '' : 's'} outlined` : '';
    const panels = PANELS.map(([key, label]) => panel(frame, frame[key], label)).join('');
    const kind = frame.kind ? `<span class="kind" data-kind="${escapeHtml(frame.kind)}">${escapeHtml(frame.kind)}</span>: ` : '';
    return `<figure class="frame" data-frame="${escapeHtml(`${frame.video}:${frame.frame}`)}"><figcaption>${kind}<strong>${escapeHtml(frame.video)}</strong>, frame ${frame.frame}${score}${escapeHtml(regions)}</figcaption><div class="panels">${panels}</div></figure>`;
  });
  return rows.join('');
}
