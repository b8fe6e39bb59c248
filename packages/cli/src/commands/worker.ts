// `vadc worker --queue redis://host:port`: take vadc jobs (sweep trainings and evaluations, per-video scoring) from
// a BullMQ queue on Redis until stopped. The queue code lives in ../queue/.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, type Command } from '../command.ts';
import { checkQueue, parseQueueUrl } from '../queue/connection.ts';
import { parsePathMaps, resolveLinks } from '../queue/path-map.ts';
import { startHealthServer } from '../queue/health-server.ts';
import { runWorker } from '../queue/worker.ts';

function positiveInteger(value: string | boolean | Array<string | boolean> | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(number) || number < 1) throw new UsageError(`--${name} must be a whole number of at least 1, not "${String(value)}"`);
  return number;
}

export const workerCommand: Command = {
  usage: 'vadc worker --queue redis://[user:password@]host:port[/db] [--concurrency n] [--path-map /from=/to]... [--allow-root folder]... [--lock-duration ms] [--stalled-interval ms] [--health-port n]',
  options: {
    queue: { type: 'string' }, concurrency: { type: 'string' }, 'path-map': { type: 'string', multiple: true }, 'allow-root': { type: 'string', multiple: true },
    'lock-duration': { type: 'string' }, 'stalled-interval': { type: 'string' }, 'health-port': { type: 'string' },
  },
  help: {
    description: 'Runs the jobs that `vadc sweep --queue` and `vadc score --queue` put on the queue: trainings (resumed from the '
      + 'run\'s last checkpoint when another worker died in the middle), evaluations of scoring-only combinations, and '
      + 'per-video scoring. Workers must see the dataset and the output folder at the coordinator\'s paths (a shared '
      + 'volume), or map them with --path-map. Each job runs in a worker thread, so the heartbeat (lock renewal) goes on '
      + 'during training; a worker that dies loses its lock and its job goes back to the queue. Logs go to stderr. '
      + 'SIGTERM or Ctrl-C: take no new jobs, finish the running ones, exit 0; a second signal exits at once.',
    options: {
      queue: 'the Redis holding the queue: redis://[user:password@]host:port[/db], or rediss://... for TLS (required; without a password in it, $VADC_QUEUE_PASSWORD is used)',
      concurrency: 'jobs this worker runs at once, each in its own thread (default 1; a training uses the recipe\'s runtime.threads)',
      'path-map': '/from=/to: a path the coordinator wrote under /from is /to here (repeatable; first match wins)',
      'allow-root': 'a folder jobs may read and write in (repeatable; default the working folder): a job naming any path outside, links resolved, fails with that path named',
      'lock-duration': 'milliseconds a job stays locked without a heartbeat, i.e. how long a dead worker\'s job waits before another takes it (default 30000)',
      'stalled-interval': 'milliseconds between this worker\'s checks for jobs whose worker died (default 30000)',
      'health-port': 'serve GET /healthz (200 while the worker runs: liveness) and GET /readyz (200 when Redis answers, else 503: readiness) on this port',
    },
    examples: [
      'vadc worker --queue redis://127.0.0.1:6379',
      'VADC_QUEUE_PASSWORD=secret vadc worker --queue redis://redis:6379 --health-port 8080',
      'vadc worker --queue redis://vadc:secret@redis.lab:6379/2 --concurrency 2',
      'vadc worker --queue redis://redis:6379 --path-map /home/me/runs=/shared/runs --path-map /home/me/data=/shared/data',
    ],
  },
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`vadc worker takes no positional arguments, found "${args.positionals[0]}"`);
    if (typeof args.values.queue !== 'string') throw new UsageError('give --queue redis://host:port');
    const pathMaps = parsePathMaps((args.values['path-map'] ?? []) as string[]);
    const allowRoots: string[] = [];
    for (const root of (args.values['allow-root'] ?? [io.cwd]) as string[]) {
      const folder = resolve(io.cwd, root);
      if (!existsSync(folder)) throw new UsageError(`--allow-root ${root}: no such folder (${folder})`);
      allowRoots.push(await resolveLinks(folder));
    }
    const address = parseQueueUrl(args.values.queue, io.env);
    // Liveness is served from the start, also while Redis is waited for; readiness says whether Redis answers.
    const healthPort = args.values['health-port'] === undefined ? null : positiveInteger(args.values['health-port'], 'health-port', 0);
    const health = healthPort === null ? null : await startHealthServer(healthPort, address);
    try {
      // A refused password or a full Redis ends the worker (exit 2) instead of retrying forever; an unreachable one
      // is waited for (Redis may start after its workers).
      await checkQueue(address, { waitForServer: true, onWait: (cause) => io.stderr(`worker: ${cause}; waiting for Redis\n`) });
      return await runWorker({
        address,
        url: args.values.queue,
        allowRoots,
        concurrency: positiveInteger(args.values.concurrency, 'concurrency', 1),
        pathMaps,
        lockDuration: positiveInteger(args.values['lock-duration'], 'lock-duration', 30_000),
        stalledInterval: positiveInteger(args.values['stalled-interval'], 'stalled-interval', 30_000),
      }, io);
    } finally {
      await health?.close();
    }
  },
};
