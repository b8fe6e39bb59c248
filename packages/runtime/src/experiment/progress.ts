// Progress of long steps: a redrawn bar with rate and time left on a terminal, plain periodic lines otherwise
// (CI logs, pipes), so a long run is never silent and never floods a log.

/** Reports progress of one counted step. */
export interface ProgressBar {
  /** Advances by `count` items; `detail` (e.g. the current loss) is shown beside the bar. */
  tick(count?: number, detail?: string): void;
  /** Marks the step finished and prints its summary line. */
  done(summary?: string): void;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const rounded = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(rounded / 60);
  return minutes > 0 ? `${minutes}m${String(rounded % 60).padStart(2, '0')}s` : `${rounded}s`;
}

/** Options of a progress bar. */
export interface ProgressOptions {
  write: (text: string) => void;
  isTerminal: boolean;
  /** Seconds between plain lines when not on a terminal. */
  lineInterval?: number;
  /** Unit shown with the rate, e.g. 'frames'. */
  unit?: string;
  now?: () => number;
}

/** Starts a progress bar for `total` items labelled `label`. */
export function startProgress(label: string, total: number, options: ProgressOptions): ProgressBar {
  const now = options.now ?? (() => performance.now() / 1000);
  const unit = options.unit ?? 'items';
  const started = now();
  let lastLine = started;
  let completed = 0;
  let lastDetail = '';

  const status = (): string => {
    const elapsed = now() - started;
    const rate = elapsed > 0 ? completed / elapsed : 0;
    const left = rate > 0 ? (total - completed) / rate : Number.NaN;
    const percent = total > 0 ? Math.floor((100 * completed) / total) : 100;
    const detail = lastDetail ? `  ${lastDetail}` : '';
    return `${completed}/${total} (${percent}%)  ${rate.toFixed(1)} ${unit}/s  ${formatDuration(left)} left${detail}`;
  };

  return {
    tick(count = 1, detail) {
      completed += count;
      if (detail !== undefined) lastDetail = detail;
      if (options.isTerminal) {
        const width = 24;
        const filled = total > 0 ? Math.min(width, Math.round((width * completed) / total)) : width;
        options.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${status()}\u001b[K`);
      } else if (now() - lastLine >= (options.lineInterval ?? 10)) {
        lastLine = now();
        options.write(`${label}: ${status()}\n`);
      }
    },
    done(summary) {
      const elapsed = now() - started;
      const text = summary ?? `${completed} ${unit} in ${formatDuration(elapsed)}`;
      options.write(`${options.isTerminal ? '\r' : ''}${label}: ${text}${options.isTerminal ? '\u001b[K' : ''}\n`);
    },
  };
}
