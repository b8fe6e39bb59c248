// A pickle reader that never runs anything. Python's pickle is a small stack machine whose GLOBAL / REDUCE / BUILD
// opcodes import and call arbitrary callables; torch.save writes a state dict through it, so a checkpoint from the
// internet is untrusted code. This reader interprets the opcodes itself:
//   - a global from a module that can reach the system (os, subprocess, builtins, sys, importlib, ...) is refused
//     before anything else happens (PickleRefusedError, exit 2 at the CLI), whether or not it would be called;
//   - the few callables a state dict needs are interpreted here by `interpret` (the caller's table, e.g.
//     torch._utils._rebuild_tensor_v2 and collections.OrderedDict, see torch-checkpoint.ts);
//   - any other class becomes an inert PyObject (its name, constructor arguments and state), never instantiated, so
//     an ml_collections ConfigDict or an argparse Namespace can still be read as a record.
// Supported: protocols 0-5 as CPython writes them (the opcodes of pickletools), except the extension registry
// (EXT1/2/4) and text persistent ids (PERSID), which torch never writes. Reference: CPython Lib/pickletools.py.

/** A Python tuple (JS arrays are lists). */
export class PyTuple {
  constructor(readonly items: unknown[]) {}
}

/** A Python dict (keys may be strings, numbers or tuples), insertion-ordered as in Python. */
export class PyDict {
  readonly entries = new Map<unknown, unknown>();
  get(key: string): unknown {
    return this.entries.get(key);
  }
}

/** A reference to a module-level name (a class or function), never resolved. */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An instance of a class this reader does not interpret: what it was built from, inert. */
export class PyObject {
  /** The state BUILD gave it (usually its __dict__ as a PyDict), or null. */
  state: unknown = null;
  constructor(readonly type: PyGlobal, readonly args: unknown[]) {}
}

/** The pickle names a callable this reader refuses to even look at. */
export class PickleRefusedError extends Error {
  override name = 'PickleRefusedError';
  constructor(readonly global: string, where: string) {
    super(`${where} refers to ${global}, which a checkpoint has no reason to name (pickle could run it): refused, nothing was executed`);
  }
}

/** The bytes are not a pickle this reader understands. */
export class PickleFormatError extends Error {
  override name = 'PickleFormatError';
}

// Modules whose callables reach the file system, processes, the network, the interpreter or another deserializer.
// `builtins` is refused except for the plain types below (ml_collections' FieldReference names builtins.float).
const REFUSED_MODULES = [
  'os', 'posix', 'nt', 'posixpath', 'ntpath', 'subprocess', 'sys', 'builtins', '__builtin__', 'importlib', 'imp', 'runpy',
  'shutil', 'socket', 'socketserver', 'ssl', 'http', 'urllib', 'urllib2', 'requests', 'ftplib', 'smtplib', 'telnetlib',
  'pickle', '_pickle', 'cPickle', 'pickletools', 'shelve', 'marshal', 'dill', 'cloudpickle', 'joblib', 'codecs', '_codecs',
  'io', '_io', 'pty', 'ctypes', 'cffi', 'multiprocessing', 'threading', '_thread', 'asyncio', 'signal', 'types', 'code',
  'codeop', 'operator', '_operator', 'functools', 'inspect', 'pdb', 'bdb', 'webbrowser', 'tempfile', 'pathlib', 'glob',
  'platform', 'sysconfig', 'site', 'zipimport', 'pkgutil', 'gc', 'weakref', 'timeit', 'trace', 'profile', 'cProfile',
  'torch.hub', 'torch.serialization', 'torch.jit', 'torch.package', 'torch.utils.cpp_extension', 'torch._ops', 'torch.ops',
  'numpy.lib.npyio', 'numpy.load', 'numpy.testing', 'numpy.f2py', 'numpy.distutils',
];
const HARMLESS_BUILTINS = new Set(['int', 'float', 'str', 'bool', 'bytes', 'bytearray', 'complex', 'tuple', 'list', 'dict', 'set', 'frozenset', 'object', 'slice', 'range', 'NoneType', 'type']);

/**
 * Whether `module.name` is a global no checkpoint may name: anything from REFUSED_MODULES (or a submodule), any
 * dunder name, and any dotted name (protocol 4's qualified names reach attributes of attributes, e.g. a method).
 */
export function isRefusedGlobal(module: string, name: string): boolean {
  if ((module === 'builtins' || module === '__builtin__') && HARMLESS_BUILTINS.has(name)) return false;
  // A dunder name reaches into an object's internals (e.g. `__import__`, `__reduce__`) wherever it comes from.
  if (name.startsWith('__') && name.endsWith('__') && name !== '__newobj__' && name !== '__newobj_ex__') return true;
  return REFUSED_MODULES.some((refused) => module === refused || module.startsWith(`${refused}.`)) || name.includes('.');
}

/** What the reader needs from its caller. */
export interface PickleOptions {
  /** Resolves a binary persistent id (torch's ('storage', type, key, location, numel) tuples). */
  persistentLoad?: (pid: unknown) => unknown;
  /**
   * Interprets a call of `callable` with `args` (REDUCE, NEWOBJ): return the value, or undefined to leave it an
   * inert PyObject. Only ever called for globals that passed the refusal check.
   */
  interpret?: (callable: PyGlobal, args: unknown[]) => unknown;
  /** Names the file in messages. */
  source?: string;
}

const MARK = Symbol('mark');

/** Reads one pickle from `bytes` and returns its value (see the classes above for how Python values map). */
export function readPickle(bytes: Uint8Array, options: PickleOptions = {}): unknown {
  const source = options.source ?? 'the pickle';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const latin1 = new TextDecoder('latin1');
  let at = 0;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const fail = (message: string): never => {
    throw new PickleFormatError(`${source}: ${message} (byte ${at})`);
  };
  const need = (count: number) => {
    if (at + count > bytes.length) fail('ends in the middle of an opcode');
  };
  const u8 = () => (need(1), bytes[at++] as number);
  const u16 = () => (need(2), at += 2, view.getUint16(at - 2, true));
  const u32 = () => (need(4), at += 4, view.getUint32(at - 4, true));
  const i32 = () => (need(4), at += 4, view.getInt32(at - 4, true));
  const u64 = () => {
    need(8);
    const value = view.getBigUint64(at, true);
    at += 8;
    if (value > BigInt(bytes.length)) fail(`declares ${value} bytes`);
    return Number(value);
  };
  const take = (count: number) => {
    need(count);
    at += count;
    return bytes.subarray(at - count, at);
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) fail('a text argument without its newline');
    const text = latin1.decode(bytes.subarray(at, end));
    at = end + 1;
    return text;
  };
  const pop = () => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= (marks[marks.length - 1] as number))) fail('pops an empty stack');
    return stack.pop();
  };
  const top = () => (stack.length === 0 ? fail('reads an empty stack') : stack[stack.length - 1]);
  const popMark = () => {
    const mark = marks.pop();
    if (mark === undefined) fail('closes a MARK that was never set');
    return stack.splice(mark as number);
  };
  const global = (module: string, name: string) => {
    if (isRefusedGlobal(module, name)) throw new PickleRefusedError(`${module}.${name}`, source);
    return new PyGlobal(module, name);
  };
  const call = (callable: unknown, args: unknown[]) => {
    if (!(callable instanceof PyGlobal)) fail('calls something that is not a global');
    const target = callable as PyGlobal;
    if (target.module === 'copyreg' && target.name === '__newobj__' && args[0] instanceof PyGlobal) {
      return call(args[0], args.slice(1));
    }
    if (target.module === 'copyreg' && target.name === '_reconstructor' && args[0] instanceof PyGlobal) {
      return new PyObject(args[0], []);
    }
    const interpreted = options.interpret?.(target, args);
    return interpreted === undefined ? new PyObject(target, args) : interpreted;
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (items.length % 2 !== 0) fail('sets a dict item without its value');
    const dict = target instanceof PyDict ? target : target instanceof PyObject ? ensureObjectDict(target) : fail('sets items on something that is not a dict');
    for (let index = 0; index < items.length; index += 2) (dict as PyDict).entries.set(dictKey(items[index]), items[index + 1]);
  };
  const append = (target: unknown, items: unknown[]) => {
    if (Array.isArray(target)) target.push(...items);
    else if (target instanceof PyObject) target.args.push(...items);
    else fail('appends to something that is not a list');
  };

  for (;;) {
    const opcode = u8();
    switch (opcode) {
      case 0x80: { // PROTO
        const protocol = u8();
        if (protocol > 5) fail(`protocol ${protocol} is newer than 5`);
        break;
      }
      case 0x95: take(8); break; // FRAME: a length hint
      case 0x2e: { // STOP
        if (stack.length !== 1) fail(`stops with ${stack.length} values on the stack`);
        return stack[0];
      }
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(longFromBytes(take(u8()))); break; // LONG1
      case 0x8b: stack.push(longFromBytes(take(u32()))); break; // LONG4
      case 0x49: { // INT (text; "00" / "01" are the booleans of protocol 0)
        const text = line();
        stack.push(text === '00' ? false : text === '01' ? true : parseInteger(text, fail));
        break;
      }
      case 0x4c: stack.push(parseInteger(line().replace(/L$/, ''), fail)); break; // LONG (text)
      case 0x46: stack.push(Number.parseFloat(line())); break; // FLOAT (text)
      case 0x47: need(8); stack.push(view.getFloat64(at, false)); at += 8; break; // BINFLOAT (big-endian)
      case 0x58: stack.push(decoder.decode(take(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(decoder.decode(take(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(decoder.decode(take(u64()))); break; // BINUNICODE8
      case 0x56: stack.push(line().replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))); break; // UNICODE
      case 0x53: stack.push(line().replace(/^['"]|['"]$/g, '')); break; // STRING
      case 0x54: stack.push(latin1.decode(take(i32()))); break; // BINSTRING
      case 0x55: stack.push(latin1.decode(take(u8()))); break; // SHORT_BINSTRING
      case 0x42: stack.push(Uint8Array.from(take(u32()))); break; // BINBYTES
      case 0x43: stack.push(Uint8Array.from(take(u8()))); break; // SHORT_BINBYTES
      case 0x8e: stack.push(Uint8Array.from(take(u64()))); break; // BINBYTES8
      case 0x96: stack.push(Uint8Array.from(take(u64()))); break; // BYTEARRAY8
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x7d: stack.push(new PyDict()); break; // EMPTY_DICT
      case 0x8f: stack.push(new PyObject(new PyGlobal('builtins', 'set'), [])); break; // EMPTY_SET
      case 0x90: { // ADDITEMS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x91: stack.push(new PyObject(new PyGlobal('builtins', 'frozenset'), popMark())); break; // FROZENSET
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x74: stack.push(new PyTuple(popMark())); break; // TUPLE
      case 0x85: stack.push(new PyTuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(new PyTuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(new PyTuple([a, b, c])); break; } // TUPLE3
      case 0x64: { // DICT
        const dict = new PyDict();
        setItems(dict, popMark());
        stack.push(dict);
        break;
      }
      case 0x61: { const item = pop(); append(top(), [item]); break; } // APPEND
      case 0x65: { const items = popMark(); append(top(), items); break; } // APPENDS
      case 0x73: { const value = pop(); const key = pop(); setItems(top(), [key, value]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x70: memo.set(parseInteger(line(), fail) as number, top()); break; // PUT
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x67: stack.push(memoGet(memo, parseInteger(line(), fail) as number, fail)); break; // GET
      case 0x68: stack.push(memoGet(memo, u8(), fail)); break; // BINGET
      case 0x6a: stack.push(memoGet(memo, u32(), fail)); break; // LONG_BINGET
      case 0x63: { // GLOBAL "module\nname\n"
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL of something that is not two strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const callable = pop();
        if (!(args instanceof PyTuple)) fail('REDUCE without an argument tuple');
        stack.push(call(callable, (args as PyTuple).items));
        break;
      }
      case 0x81: { // NEWOBJ
        const args = pop();
        const cls = pop();
        if (!(args instanceof PyTuple)) fail('NEWOBJ without an argument tuple');
        stack.push(call(cls, (args as PyTuple).items));
        break;
      }
      case 0x92: { // NEWOBJ_EX
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!(args instanceof PyTuple)) fail('NEWOBJ_EX without an argument tuple');
        stack.push(call(cls, [...(args as PyTuple).items, kwargs]));
        break;
      }
      case 0x69: { // INST "module\nname\n" with MARKed arguments
        const module = line();
        const cls = global(module, line());
        stack.push(call(cls, popMark()));
        break;
      }
      case 0x6f: { // OBJ
        const items = popMark();
        stack.push(call(items[0], items.slice(1)));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const target = top();
        if (target instanceof PyObject) target.state = state;
        else if (target instanceof PyDict && state instanceof PyDict) for (const [key, value] of state.entries) target.entries.set(key, value);
        else if (state !== null && !(state instanceof PyDict && state.entries.size === 0)) {
          // Interpreted values (tensors, dicts) take no state beyond an empty one; anything else is kept aside.
          if (typeof target === 'object' && target !== null) (target as { pickleState?: unknown }).pickleState = state;
        }
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (options.persistentLoad === undefined) fail('has a persistent id and no loader for it');
        stack.push(options.persistentLoad!(pid));
        break;
      }
      case 0x50: fail('has a text persistent id (PERSID), which torch never writes'); break;
      case 0x82: case 0x83: case 0x84: fail('uses the copyreg extension registry (EXT1/2/4)'); break;
      case 0x97: fail('has an out-of-band buffer (NEXT_BUFFER), which a file cannot carry'); break;
      case 0x98: break; // READONLY_BUFFER
      default: fail(`has an unknown opcode 0x${opcode.toString(16)}`);
    }
  }
}

function ensureObjectDict(object: PyObject): PyDict {
  if (!(object.state instanceof PyDict)) object.state = new PyDict();
  return object.state as PyDict;
}

// Tuples as dict keys: their items joined, so two equal tuples find the same entry.
function dictKey(key: unknown): unknown {
  return key instanceof PyTuple ? JSON.stringify(key.items) : key;
}

function memoGet(memo: Map<number, unknown>, index: number, fail: (message: string) => never): unknown {
  if (!memo.has(index)) fail(`reads memo ${index}, which was never stored`);
  return memo.get(index);
}

function parseInteger(text: string, fail: (message: string) => never): number | bigint {
  if (!/^[-+]?\d+$/.test(text.trim())) fail(`"${text}" is not an integer`);
  const value = BigInt(text.trim());
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

// Two's-complement little-endian integers of LONG1 / LONG4: a number when it is exact, else a bigint.
function longFromBytes(data: Uint8Array): number | bigint {
  if (data.length === 0) return 0;
  let value = 0n;
  for (let index = data.length - 1; index >= 0; index--) value = (value << 8n) | BigInt(data[index] as number);
  if (((data[data.length - 1] as number) & 0x80) !== 0) value -= 1n << BigInt(8 * data.length);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
