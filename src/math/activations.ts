import { onCoreByChunks } from "./kernels/elementwise.js";
import { Matrix } from "./matrix.js";

/** relu(x) = max(0, x), elementwise. */
export function relu(x: Matrix): Matrix {
  const out = new Matrix(x.rows, x.cols);
  const onCore = onCoreByChunks([x.data], out.data, (core, [src], dst, n) =>
    core.relu(src, dst, n),
  );
  if (!onCore) for (let i = 0; i < out.data.length; i++) out.data[i] = Math.max(0, x.data[i]);
  return out;
}
