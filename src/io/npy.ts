import { UserError } from "../errors.js";
import { Matrix } from "../math/matrix.js";
import { bytesText, inputLimit } from "./limits.js";
import { setNumpyMeta } from "./numpy-meta.js";
import { printable } from "./printable.js";
import { isTuple, PyLiteralError, type PyValue, parsePyLiteral } from "./py-literal.js";

/**
 * numpy's `.npy` format, versions 1.0, 2.0 and 3.0: the magic `\x93NUMPY`, the version, the
 * header's length, the header (a Python dict literal: descr, fortran_order, shape), the data.
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
export interface NpyHeader {
  descr: string;
  dtype: Dtype;
  little: boolean;
  fortran: boolean;
  /** a 1-D array is one row */
  rows: number;
  cols: number;
  /** the shape as Python writes it: `(3, 5)`, `(8,)` */
  shape: string;
  /** the shape in the header, before a 0-d array became 1×1 and leading 1s were dropped */
  savedShape: number[];
  /** where the data starts, and how many bytes of it the shape and dtype imply */
  dataOffset: number;
  dataBytes: number;
}

/** numpy refuses longer headers (its `max_header_size`) as unsafe to parse. */
const MAX_HEADER_CHARS = 10_000;

/** Whether the bytes start as a `.npy` file does. */
export function isNpy(b: Uint8Array): boolean {
  return b.length >= 6 && b[0] === 0x93 && String.fromCharCode(...b.subarray(1, 6)) === "NUMPY";
}

/**
 * Where the data starts, once `bytes` holds the version and the header's length; undefined
 * before. A header longer than numpy would read is refused here, before it is waited for.
 */
export function npyDataOffset(bytes: Uint8Array, file: string): number | undefined {
  if (bytes.length < 12) return undefined;
  const major = checkVersion(bytes, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (length > 4 * MAX_HEADER_CHARS) {
    bad(file, `the header is ${length} bytes long; numpy reads at most ${MAX_HEADER_CHARS}`);
  }
  return (major === 1 ? 10 : 12) + length;
}

/**
 * The header, parsed as the Python literal it is and checked field by field as numpy checks it,
 * and the data's size checked against the input limit before any of it is read.
 */
export function readNpyHeader(bytes: Uint8Array, file: string, limit = inputLimit()): NpyHeader {
  if (!isNpy(bytes)) bad(file, "it does not start with \\x93NUMPY");
  const dataOffset = npyDataOffset(bytes, file);
  if (dataOffset === undefined || dataOffset > bytes.length) bad(file, "the header is cut short");
  const major = bytes[6];
  const start = major === 1 ? 10 : 12;
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(
      bytes.subarray(start, dataOffset),
    );
  } catch {
    bad(file, "the header is not valid UTF-8");
  }
  if (text.length > MAX_HEADER_CHARS) {
    bad(
      file,
      `the header is ${text.length} characters long; numpy reads at most ${MAX_HEADER_CHARS}`,
    );
  }
  let dict: PyValue;
  try {
    // Python 2 wrote longs as `8L`; numpy still reads them in version 1.0 and 2.0 headers
    dict = parsePyLiteral(text, major <= 2);
  } catch (e) {
    if (!(e instanceof PyLiteralError)) throw e;
    bad(file, `the header is not a Python literal (${e.message}): ${clip(text)}`);
  }
  if (!(dict instanceof Map)) bad(file, `the header is not a dict: ${clip(text)}`);
  const keys = [...dict.keys()];
  const expected = ["descr", "fortran_order", "shape"];
  if (keys.length !== 3 || !expected.every((k) => dict.has(k))) {
    bad(file, `the header's keys are not exactly descr, fortran_order and shape: ${clip(text)}`);
  }
  const fortran = dict.get("fortran_order");
  if (typeof fortran !== "boolean") bad(file, `fortran_order is not True or False: ${clip(text)}`);
  const saved = shapeOf(dict.get("shape") as PyValue, file, text);
  const shape = `(${saved.join(", ")}${saved.length === 1 ? "," : ""})`;
  // A 0-d array (a seed, a number) is 1×1; leading axes of length 1, as in (1, 4, 8), are dropped.
  const dims = saved.length === 0 ? [1n, 1n] : [...saved];
  while (dims.length > 2 && dims[0] === 1n) dims.shift();
  if (dims.length > 2) {
    throw new UserError(
      `${printable(file)}: holds a ${saved.length}-D array of shape ${shape}; transformer-lab reads 1-D and 2-D arrays`,
    );
  }
  const descr = dict.get("descr");
  if (typeof descr !== "string") {
    bad(file, `descr is not a dtype string (a structured array?): ${clip(text)}`);
  }
  const dtype = DTYPES.get(descr.slice(1));
  if (!dtype || !"<>|=".includes(descr[0])) {
    throw new UserError(
      `${printable(file)}: dtype '${printable(descr)}' is not supported; save floats or integers (np.float64 is best)`,
    );
  }
  const [rows, cols] = dims.length === 1 ? [1n, dims[0]] : dims;
  if (rows === 0n || cols === 0n)
    throw new UserError(`${printable(file)}: the array of shape ${shape} is empty`);
  const dataBytes = rows * cols * BigInt(dtype.size);
  if (dataBytes > BigInt(limit)) {
    throw new UserError(
      `${printable(file)}: the array of shape ${shape} of ${descr} holds ${bytesText(Number(dataBytes))}, more than the input limit of ${bytesText(limit)}`,
    );
  }
  return {
    descr,
    dtype,
    little: descr[0] !== ">",
    fortran,
    rows: Number(rows),
    cols: Number(cols),
    shape,
    savedShape: saved.map(Number),
    dataOffset,
    dataBytes: Number(dataBytes),
  };
}

/**
 * Reads a `.npy` file holding a 1-D or 2-D array of floats or integers, in either byte order,
 * C or Fortran order, as a Matrix (a 1-D array is one row). The data must be exactly as long as
 * the header says.
 */
export function readNpy(bytes: Uint8Array, file: string, limit = inputLimit()): Matrix {
  const h = readNpyHeader(bytes, file, limit);
  const found = bytes.length - h.dataOffset;
  if (found < h.dataBytes) {
    bad(
      file,
      `the data is cut short: shape ${h.shape} of ${h.descr} needs ${h.dataBytes} bytes, found ${found}`,
    );
  }
  if (found > h.dataBytes) {
    bad(file, `${found - h.dataBytes} bytes follow the data of shape ${h.shape} of ${h.descr}`);
  }
  return setNumpyMeta(decode(bytes.subarray(h.dataOffset), h), {
    dtype: h.descr.slice(1),
    shape: h.savedShape,
  });
}

/** The data as float64, transposed from Fortran order if need be. */
function decode(data: Uint8Array, h: NpyHeader): Matrix {
  const m = new Matrix(h.rows, h.cols);
  const n = h.rows * h.cols;
  if (h.descr.slice(1) === "f8" && h.little === LITTLE_ENDIAN && !h.fortran) {
    new Uint8Array(m.data.buffer).set(data.subarray(0, h.dataBytes)); // already float64 in order
    return m;
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const { size, read } = h.dtype;
  for (let k = 0; k < n; k++) {
    // Fortran order stores column by column: element k is (k % rows, k / rows).
    const at = h.fortran ? (k % h.rows) * h.cols + Math.floor(k / h.rows) : k;
    m.data[at] = read(view, k * size, h.little);
  }
  return m;
}

function checkVersion(bytes: Uint8Array, file: string): number {
  const [major, minor] = [bytes[6], bytes[7]];
  if (major < 1 || major > 3 || minor !== 0)
    bad(file, `format version ${major}.${minor} is not 1, 2 or 3`);
  return major;
}

/** The shape: a tuple of non-negative integers. */
function shapeOf(v: PyValue, file: string, text: string): bigint[] {
  if (!isTuple(v) || !v.tuple.every((d) => typeof d === "bigint" && d >= 0n)) {
    bad(file, `shape is not a tuple of non-negative integers: ${clip(text)}`);
  }
  return v.tuple as bigint[];
}

function bad(file: string, what: string): never {
  throw new UserError(`${printable(file)}: not a readable .npy file: ${what}`);
}

/** The header as it may be quoted in a message: trimmed, escaped, at most 120 characters. */
function clip(text: string): string {
  const t = text.trim();
  return printable(t.length > 120 ? `${t.slice(0, 120)}…` : t);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface Dtype {
  size: number;
  read(view: DataView, at: number, little: boolean): number;
}

const DTYPES = new Map<string, Dtype>([
  ["f8", { size: 8, read: (v, at, le) => v.getFloat64(at, le) }],
  ["f4", { size: 4, read: (v, at, le) => v.getFloat32(at, le) }],
  ["f2", { size: 2, read: (v, at, le) => half(v.getUint16(at, le)) }],
  ["i8", { size: 8, read: (v, at, le) => Number(v.getBigInt64(at, le)) }],
  ["i4", { size: 4, read: (v, at, le) => v.getInt32(at, le) }],
  ["i2", { size: 2, read: (v, at, le) => v.getInt16(at, le) }],
  ["i1", { size: 1, read: (v, at) => v.getInt8(at) }],
  ["u8", { size: 8, read: (v, at, le) => Number(v.getBigUint64(at, le)) }],
  ["u4", { size: 4, read: (v, at, le) => v.getUint32(at, le) }],
  ["u2", { size: 2, read: (v, at, le) => v.getUint16(at, le) }],
  ["u1", { size: 1, read: (v, at) => v.getUint8(at) }],
]);

/** IEEE 754 half precision to a number. */
function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
