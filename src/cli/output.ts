import { spawn } from "node:child_process";
import { writeSync } from "node:fs";
import { realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { isatty } from "node:tty";
import { EXIT, errorLine, UserError } from "../errors.js";

/** Where a command's text goes: `-o FILE`, a pager, or stdout. */
export interface OutputOptions {
  /** -o, --output: a file, written whole (UTF-8) or not at all */
  output?: string;
  /** --no-pager sets it false */
  pager?: boolean;
}

/** stdout is a terminal and no file was asked for: the text is read by a person. */
export function toTerminal(o: OutputOptions): boolean {
  return o.output === undefined && (direct ? isatty(1) : process.stdout.isTTY === true);
}

/**
 * The binary (main.ts's last lines) writes stdout straight to file descriptor 1; main() called
 * any other way (the fuzz test's harness, which replaces process.stdout.write) goes through
 * process.stdout as before.
 */
let direct = false;

export function writeStdoutDirectly(): void {
  direct = true;
}

/** The terminal's columns, which matrices and tables fit; none when the text goes elsewhere. */
export function outputWidth(o: OutputOptions): number | undefined {
  return toTerminal(o) ? process.stdout.columns : undefined;
}

/**
 * Sends the text where it goes: into the file of `-o`, through the pager (a pretty report on a
 * terminal, as git does), or to stdout. Piped output is written as it is produced.
 */
export async function emit(
  chunks: Iterable<string>,
  o: OutputOptions,
  { pretty }: { pretty: boolean },
): Promise<void> {
  if (o.output !== undefined) return writeWhole(o.output, chunks);
  const pager = pretty && o.pager !== false && toTerminal(o) ? pagerCommand() : undefined;
  if (pager) return page(pager, chunks);
  await writeOut(chunks);
}

/**
 * The file, written to a temporary name beside it and renamed: whole or not at all. A device, a
 * pipe or a socket (`-o /dev/stdout`, `-o /dev/full`) is written to as it is, never replaced; a
 * symbolic link stays a link, and the file it names is the one written.
 */
async function writeWhole(file: string, chunks: Iterable<string>): Promise<void> {
  const text = [...chunks].join("");
  if (await isSpecial(file)) {
    try {
      return await writeFile(file, text, "utf8");
    } catch (e) {
      throw new UserError(`cannot write ${file}: ${(e as Error).message}`);
    }
  }
  const target = await realpath(file).catch(() => file); // not there yet: a new file
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text, "utf8");
    await rename(temporary, target);
  } catch (e) {
    await rm(temporary, { force: true });
    throw new UserError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

/** The path names something that exists and is not a regular file (following symbolic links). */
async function isSpecial(file: string): Promise<boolean> {
  try {
    return !(await stat(file)).isFile();
  } catch {
    return false; // not there yet: it will be a new regular file
  }
}

/** $PAGER, else `less -R`; an empty $PAGER or `cat` means none. */
function pagerCommand(): string | undefined {
  const command = process.env.PAGER ?? "less -R";
  return command.trim() === "" || command.trim() === "cat" ? undefined : command;
}

/** Runs the pager on the text and waits for it; quitting it early ends the run quietly. */
async function page(command: string, chunks: Iterable<string>): Promise<void> {
  // git's default: quit if the text fits one screen, keep colours, leave it on the screen
  const env = { ...process.env, LESS: process.env.LESS ?? "FRX" };
  const child = spawn(command, { shell: true, stdio: ["pipe", "inherit", "inherit"], env });
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const sink = new Sink(child.stdin);
  await sink.writeAll(chunks);
  child.stdin.end();
  await closed;
}

/**
 * Writes chunks of text to stdout in blocks, waiting when the pipe is full. Once the reader has
 * gone (`| head`), no further chunk is even produced.
 */
export async function writeOut(chunks: Iterable<string>): Promise<void> {
  await stdoutSink.writeAll(chunks);
}

/** commander's help and version, through the same stdout (written before this returns). */
export function writeHelp(text: string): void {
  void stdoutSink.writeAll([text]);
}

/** Text written in 64 KiB blocks; once its reader has gone, no further chunk is even produced. */
abstract class Blocks {
  closed = false;

  async writeAll(chunks: Iterable<string>): Promise<void> {
    let block = "";
    for (const chunk of chunks) {
      if (this.closed) return;
      block += chunk;
      if (block.length >= 1 << 16) {
        await this.write(block);
        block = "";
      }
    }
    if (block) await this.write(block);
  }

  protected abstract write(block: string): Promise<void>;
}

/** A stream, waited on when it is full. */
class Sink extends Blocks {
  constructor(
    private readonly out: NodeJS.WritableStream,
    onFailure?: (e: NodeJS.ErrnoException) => void,
  ) {
    super();
    out.on("error", (e: NodeJS.ErrnoException) => {
      this.closed = true;
      out.emit("drain");
      if (e.code !== "EPIPE") onFailure?.(e);
    });
  }

  override write(data: string | Uint8Array): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.out.write(data)) resolve();
      else this.out.once("drain", resolve);
    });
  }
}

/**
 * stdout, written straight to file descriptor 1 while it takes whole blocks (a file, a terminal,
 * a blocking pipe): Node's process.stdout stream, and the dozen built-in modules it loads, are
 * made only when needed — a non-blocking pipe (EAGAIN) — or when commander prints help.
 */
class StdoutSink extends Blocks {
  private stream?: Sink;

  constructor(private readonly onFailure: (e: NodeJS.ErrnoException) => void) {
    super();
  }

  protected write(text: string): Promise<void> {
    if (!direct) this.stream ??= new Sink(process.stdout, this.onFailure);
    if (this.stream) return this.stream.write(text).then(() => this.follow());
    if (this.closed) return Promise.resolve();
    const bytes = Buffer.from(text, "utf8");
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(1, bytes, done);
      return Promise.resolve();
    } catch (e) {
      const error = e as NodeJS.ErrnoException;
      if (error.code !== "EAGAIN") {
        this.closed = true;
        if (error.code !== "EPIPE") this.onFailure(error);
        return Promise.resolve();
      }
    }
    this.stream = new Sink(process.stdout, this.onFailure);
    return this.stream.write(bytes.subarray(done)).then(() => this.follow());
  }

  /** The stream's reader gone: so is ours. */
  private follow(): void {
    if (this.stream?.closed) this.closed = true;
  }
}

let stdoutSink: StdoutSink;

/**
 * Set when stdout failed otherwise (`> /dev/full`: ENOSPC, EIO, …): that is an error, reported
 * once in one line, and the run exits with 2 whenever the failure is found — during the run or
 * after it (commander writes --help and --version itself, and the error arrives later).
 */
let writeError: string | undefined;

export function outputFailure(): string | undefined {
  return writeError;
}

/**
 * Set up once: when the reader goes away (`| head`), the rest is dropped and the run ends
 * quietly; any other write error is one line and exit 2.
 */
export function watchStdout(): void {
  stdoutSink = new StdoutSink((e) => {
    if (writeError !== undefined) return;
    writeError = `cannot write the output: ${why(e)}`;
    process.stderr.write(errorLine(writeError));
    process.exitCode = EXIT.usage;
  });
}

function why(e: NodeJS.ErrnoException): string {
  const text = e.code === "ENOSPC" ? "no space left on device" : e.message.split(",")[0];
  return e.code ? `${text} (${e.code})` : text;
}
