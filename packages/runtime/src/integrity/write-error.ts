// A file that could not be written (a full disk, a read-only or vanished folder): the error names the file, and its
// writer has removed the partial temporary. Not a bug of vadc: the CLI exits 1 with this one line.
export class FileWriteError extends Error {
  override name = 'FileWriteError';
  constructor(readonly path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | null)?.code;
    super(`cannot write ${path}: ${code === 'ENOSPC' ? 'no space left on the device' : cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
