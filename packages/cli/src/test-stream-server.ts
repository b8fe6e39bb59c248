// Local stream servers for tests of live inputs: a free loopback port, and a wait for ffmpeg's `-listen 1` server to
// listen on it. ffmpeg serves one client, so a probe connection would take the client's place: the wait reads the
// kernel's socket table instead of connecting.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once a socket listens on 127.0.0.1:`port` (from /proc/net/tcp); rejects after `timeoutMs`. */
export async function listening(port: number, timeoutMs = 10_000): Promise<void> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() <= deadline) {
    const table = await readFile('/proc/net/tcp', 'utf8');
    if (table.split('\n').some((line) => line.includes(`0100007F${hex}`) && line.split(/\s+/)[4] === '0A')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}
