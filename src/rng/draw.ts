import { Matrix } from "../math/matrix.js";
import type { Dims } from "../model/config.js";
import {
  axisSize,
  type Command,
  drawOrder,
  type GlobalKey,
  getSlot,
  type Inputs,
  type LayerKey,
  SHAPES,
} from "../model/inputs.js";
import type { Normals } from "./normals.js";

/**
 * Every matrix the command needs: the supplied ones as they are, the rest drawn from `normals`
 * in SPEC's order, each row-major, skipping the supplied ones (which consume no draws).
 */
export function completeInputs(
  command: Command,
  dims: Dims,
  cross: boolean,
  supplied: Inputs,
  normals: Normals,
): Inputs {
  const out: Inputs = {
    globals: { ...supplied.globals },
    layers: Array.from({ length: dims.layers }, (_, l) => ({ ...supplied.layers[l] })),
  };
  for (const slot of drawOrder(command, dims.layers, cross)) {
    if (getSlot(supplied, slot)) continue;
    const [r, c] = SHAPES[slot.key].map((axis) => axisSize(axis, dims));
    const m = new Matrix(r, c);
    normals.fill(m.data);
    if (slot.layer === undefined) out.globals[slot.key as GlobalKey] = m;
    else out.layers[slot.layer][slot.key as LayerKey] = m;
  }
  return out;
}
