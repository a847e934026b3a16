import type { Step } from "../model/trace/steps.js";
import type { TraceTable } from "../model/trace/table.js";

type Shape = readonly [number | string, number | string];

/** The one way a shape is written: rows×columns, `4×3` (or `seq×vocab`). */
export function shapeText(rows: number | string, cols: number | string): string {
  return `${rows}×${cols}`;
}

/** A product's shapes: `(4×8)·(8×3) → 4×3`. */
export function productShapeText(a: Shape, b: Shape, c: Shape): string {
  return `(${shapeText(...a)})·(${shapeText(...b)}) → ${shapeText(...c)}`;
}

/** A step's shape as the report writes it: a product also shows its operands'. */
export function stepShapeText(table: TraceTable, step: Step): string {
  const c = table.shape(step);
  if (step.op.kind !== "product") return shapeText(...c);
  const [a, b] = step.operands.map((o) => table.operandShape(o));
  return productShapeText(a, b, c);
}
