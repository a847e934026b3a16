import { UserError } from "../errors.js";
import { Matrix } from "../math/matrix.js";
import { setNumpyMeta } from "./numpy-meta.js";

/**
 * Reads a numpy `.npy` file (format versions 1, 2 and 3) holding a 1-D or 2-D array of floats or
 * integers, in either byte order, C or Fortran order, as a Matrix (a 1-D array is one row).
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
export function readNpy(bytes: Uint8Array, file: string): Matrix {
  const bad: (what: string) => never = (what) => {
    throw new UserError(`${file}: not a readable .npy file: ${what}`);
  };
  if (
    bytes.length < 10 ||
    bytes[0] !== 0x93 ||
    String.fromCharCode(...bytes.subarray(1, 6)) !== "NUMPY"
  ) {
    bad("it does not start with \\x93NUMPY");
  }
  const major = bytes[6];
  if (major < 1 || major > 3) bad(`format version ${major}.${bytes[7]} is not 1, 2 or 3`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) bad("the header is cut short");
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes;
  if (start + headerLength > bytes.length) bad("the header is cut short");
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(start, start + headerLength),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    bad(`the header ${JSON.stringify(header.trim())} lacks descr, fortran_order or shape`);
  }
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);
  // A 0-d array (a seed, a number) is 1×1; leading axes of length 1, as in (1, 4, 8), are dropped.
  const squeezed = shape.length === 0 ? [1, 1] : dropLeadingOnes(shape);
  if (squeezed.length > 2) {
    throw new UserError(
      `${file}: holds a ${shape.length}-D array of shape (${shapeText}); transformer-lab reads 1-D and 2-D arrays`,
    );
  }
  const [rows, cols] = squeezed.length === 1 ? [1, squeezed[0]] : squeezed;
  if (rows === 0 || cols === 0)
    throw new UserError(`${file}: the array of shape (${shapeText}) is empty`);
  const dtype = DTYPES[descr.slice(1)];
  if (!dtype || !"<>|=".includes(descr[0])) {
    throw new UserError(
      `${file}: dtype '${descr}' is not supported; save floats or integers (np.float64 is best)`,
    );
  }
  const little = descr[0] !== ">";
  const data = start + headerLength;
  const need = rows * cols * dtype.size;
  if (bytes.length - data < need) {
    bad(
      `the data is cut short: shape (${shapeText}) of ${descr} needs ${need} bytes, found ${bytes.length - data}`,
    );
  }
  const m = new Matrix(rows, cols);
  for (let n = 0; n < rows * cols; n++) {
    // Fortran order stores column by column: element n is (n % rows, n / rows).
    const at = fortran === "True" ? (n % rows) * cols + Math.floor(n / rows) : n;
    m.data[at] = dtype.read(view, data + n * dtype.size, little);
  }
  return setNumpyMeta(m, { dtype: descr.slice(1), shape });
}

function dropLeadingOnes(shape: number[]): number[] {
  const out = [...shape];
  while (out.length > 2 && out[0] === 1) out.shift();
  return out;
}

interface Dtype {
  size: number;
  read(view: DataView, at: number, little: boolean): number;
}

const DTYPES: Record<string, Dtype> = {
  f8: { size: 8, read: (v, at, le) => v.getFloat64(at, le) },
  f4: { size: 4, read: (v, at, le) => v.getFloat32(at, le) },
  f2: { size: 2, read: (v, at, le) => half(v.getUint16(at, le)) },
  i8: { size: 8, read: (v, at, le) => Number(v.getBigInt64(at, le)) },
  i4: { size: 4, read: (v, at, le) => v.getInt32(at, le) },
  i2: { size: 2, read: (v, at, le) => v.getInt16(at, le) },
  i1: { size: 1, read: (v, at) => v.getInt8(at) },
  u8: { size: 8, read: (v, at, le) => Number(v.getBigUint64(at, le)) },
  u4: { size: 4, read: (v, at, le) => v.getUint32(at, le) },
  u2: { size: 2, read: (v, at, le) => v.getUint16(at, le) },
  u1: { size: 1, read: (v, at) => v.getUint8(at) },
};

/** IEEE 754 half precision to a number. */
function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
