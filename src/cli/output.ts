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

export function watchStdout(): void {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") {
      pipeClosed = true;
      process.stdout.emit("drain");
    } else throw e;
  });
}
