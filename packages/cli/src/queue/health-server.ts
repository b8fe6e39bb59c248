// `vadc worker --health-port n`: the probes a container platform asks. GET /healthz answers 200 while the worker's
// main thread runs (jobs run in worker threads, so a long training does not block it): liveness. GET /readyz answers
// 200 when Redis answers a PING within 2 s, else 503 with the cause: readiness.
import { createServer, type Server } from 'node:http';
import { Queue } from 'bullmq';
import { QUEUE_NAME, redisOf, type QueueAddress } from './connection.ts';

const PING_TIMEOUT_MS = 2000;

/** A running health server. */
export interface HealthServer {
  close(): Promise<void>;
}

/** Serves /healthz and /readyz on `port` (all interfaces: the kubelet probes the pod's address). */
export async function startHealthServer(port: number, address: QueueAddress): Promise<HealthServer> {
  const queue = new Queue(QUEUE_NAME, { connection: address.connection });
  queue.on('error', () => undefined); // the worker itself reports connection errors
  const ping = async (): Promise<string | null> => {
    const timeout = new Promise<string>((done) => setTimeout(() => done(`Redis at ${address.display} did not answer within ${PING_TIMEOUT_MS} ms`), PING_TIMEOUT_MS).unref());
    const answer = (async () => ((await (await redisOf(queue)).ping()) === 'PONG' ? null : 'Redis answered PING without PONG'))().catch((error: Error) => error.message);
    return Promise.race([answer, timeout]);
  };
  const server: Server = createServer((request, response) => {
    const reply = (status: number, text: string) => response.writeHead(status, { 'content-type': 'text/plain' }).end(`${text}\n`);
    if (request.url === '/healthz') return reply(200, 'ok');
    if (request.url === '/readyz') return void ping().then((problem) => reply(problem === null ? 200 : 503, problem ?? 'ok'));
    return reply(404, 'not found: GET /healthz or /readyz');
  });
  await new Promise<void>((done, fail) => server.once('error', fail).listen(port, done));
  return {
    async close() {
      await new Promise((done) => server.close(done));
      await queue.close();
    },
  };
}
