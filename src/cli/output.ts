import { EXIT, errorLine } from "../errors.js";

/**
 * Writes chunks of text to stdout in blocks, waiting when the pipe is full. Once the reader has
 * gone (`| head`), no further chunk is even produced.
 */
export async function writeOut(chunks: Iterable<string>): Promise<void> {
  const out = process.stdout;
  let block = "";
  for (const chunk of chunks) {
    if (pipeClosed) return;
    block += chunk;
    if (block.length >= 1 << 16) {
      await write(out, block);
      block = "";
    }
  }
  if (block) await write(out, block);
}

function write(out: NodeJS.WriteStream, text: string): Promise<void> {
  if (pipeClosed) return Promise.resolve();
  return new Promise((resolve) => {
    if (out.write(text)) resolve();
    else out.once("drain", resolve);
  });
}

/** Set when the reader went away (`| head`): the rest is dropped and the run ends quietly. */
let pipeClosed = false;

/**
 * Set when stdout failed otherwise (`> /dev/full`: ENOSPC, EIO, …): that is an error, reported
 * once in one line, and the run exits with 2 whenever the failure is found — during the run or
 * after it (commander writes --help and --version itself, and the error arrives later).
 */
let writeError: string | undefined;

export function outputFailure(): string | undefined {
  return writeError;
}

export function watchStdout(): void {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    pipeClosed = true;
    process.stdout.emit("drain");
    if (e.code === "EPIPE" || writeError !== undefined) return;
    writeError = `cannot write the output: ${why(e)}`;
    process.stderr.write(errorLine(writeError));
    process.exitCode = EXIT.usage;
  });
}

function why(e: NodeJS.ErrnoException): string {
  const text = e.code === "ENOSPC" ? "no space left on device" : e.message.split(",")[0];
  return e.code ? `${text} (${e.code})` : text;
}
