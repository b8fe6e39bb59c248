// The thread that renews a held lease. A training step is synchronous work that can keep the thread it runs on busy
// for seconds on a loaded machine; renewing from that thread would let a lease expire under a live holder and a
// waiter take over. So each held lease is renewed by a small worker thread of its own, with synchronous file
// operations (run.lease) or a minimal Redis client over a socket (queue runs). It shares two numbers with the
// holder: when the lease was last renewed (ms since the epoch, when the renewal was sent) and whether somebody else
// holds it now. The thread's code is a string (`eval`), so it runs the same from the sources and the built CLI.
import { Worker } from 'node:worker_threads';
import type { LeaseHolder, RenewerTarget } from './lease-types.ts';

/** A running renewer: the shared state, and how to stop it. */
export interface Renewer {
  /** Ms since the epoch when the last successful renewal was sent. */
  renewedAt(): number;
  /** Whether another holder has the lease. */
  lost(): boolean;
  stop(): void;
}

// Runs inside the thread (CommonJS, built-in modules only). Renews every `every` ms; each Redis answer must come
// within `every` ms or the connection is dropped and opened again at the next renewal.
const THREAD_CODE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { target, owner, ms, every, shared } = workerData;
const renewedAt = new Float64Array(shared, 0, 1);
const lost = new Int32Array(shared, 8, 1);
const value = JSON.stringify(owner);

function renewFile() {
  let current = null;
  try { current = JSON.parse(fs.readFileSync(target.path, 'utf8')); } catch (error) {
    if (error.code !== 'ENOENT') return false;
  }
  if (current !== null && current.token !== owner.token) { Atomics.store(lost, 0, 1); return false; }
  const temporary = target.path + '.' + process.pid + '.' + Date.now() + '0.tmp';
  const content = JSON.stringify({ token: owner.token, holder: owner.holder, expires: Date.now() + ms });
  if (current === null) {
    try { fs.writeFileSync(target.path, content, { flag: 'wx' }); return true; } catch { return false; }
  }
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, target.path);
  return true;
}

const RENEW = "local v = redis.call('GET', KEYS[1]) if v == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end return 0";
const encode = (args) => '*' + args.length + '\\r\\n' + args.map((a) => { const b = Buffer.from(String(a)); return '$' + b.length + '\\r\\n' + b.toString('latin1') + '\\r\\n'; }).join('');
let socket = null;
let buffer = '';
let waiting = [];
function connect() {
  const options = { host: target.host, port: target.port };
  socket = target.tls ? require('node:tls').connect({ ...options, servername: target.host }) : require('node:net').connect(options);
  socket.setEncoding('latin1');
  socket.on('data', (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\\r\\n')) >= 0 && waiting.length > 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      waiting.shift()(line);
    }
  });
  const drop = () => { if (socket !== null) socket.destroy(); socket = null; buffer = ''; for (const answer of waiting.splice(0)) answer('-closed'); };
  socket.on('error', drop);
  socket.on('close', drop);
  const hello = [];
  if (target.password !== null) hello.push(target.username !== null ? ['AUTH', target.username, target.password] : ['AUTH', target.password]);
  if (target.db !== 0) hello.push(['SELECT', target.db]);
  for (const args of hello) send(args);
}
function send(args) {
  return new Promise((resolve) => {
    waiting.push(resolve);
    socket.write(encode(args));
  });
}
async function renewRedis() {
  if (socket === null) connect();
  let timer;
  const answer = await Promise.race([
    send(['EVAL', RENEW, 1, target.key, value, ms]),
    new Promise((resolve) => { timer = setTimeout(() => resolve('-timeout'), every); }),
  ]);
  clearTimeout(timer);
  if (answer === '-timeout' && socket !== null) { socket.destroy(); socket = null; buffer = ''; waiting = []; }
  if (answer === ':0') Atomics.store(lost, 0, 1);
  return answer === ':1';
}

async function tick() {
  const sent = Date.now();
  try {
    if (target.kind === 'file' ? renewFile() : await renewRedis()) renewedAt[0] = sent;
  } catch {
    // not renewed this time: the holder sees how long ago the last renewal was
  }
  setTimeout(tick, every);
}
setTimeout(tick, every);
`;

/** Starts renewing `owner`'s lease at `target` every third of `ms`; the thread never keeps the process alive. */
export function startRenewer(target: RenewerTarget, owner: LeaseHolder, ms: number): Renewer {
  const shared = new SharedArrayBuffer(16);
  const renewedAt = new Float64Array(shared, 0, 1);
  const lost = new Int32Array(shared, 8, 1);
  renewedAt[0] = Date.now();
  const thread = new Worker(THREAD_CODE, { eval: true, workerData: { target, owner, ms, every: Math.max(50, Math.floor(ms / 3)), shared } });
  thread.unref();
  thread.on('error', () => undefined); // a dead renewer stops renewing: the holder sees its lease age and stops writing
  return {
    renewedAt: () => renewedAt[0]!,
    lost: () => Atomics.load(lost, 0) === 1,
    stop: () => void thread.terminate(),
  };
}
