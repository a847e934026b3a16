import { Matrix } from "../math/matrix.js";
import type { Dims } from "../model/dims.js";
import {
  axisSize,
  type Computation as Command,
  drawOrder,
  type GlobalKey,
  getSlot,
  type Inputs,
  type LayerKey,
  SHAPES,
} from "../model/input-slots.js";
import type { Normals } from "./normals.js";

/**
 * Every matrix the command needs: the supplied ones as they are, the rest drawn from `normals`
 * in SPEC's order, each row-major. A supplied matrix consumes no draws, unless `followStream`:
 * then every matrix is drawn in turn, as the notebook did, and a supplied one replaces its draw
 * (so `check --seed` finds the feed-forward weights the notebook drew after x … Wo).
 */
export function completeInputs(
  command: Command,
  dims: Dims,
  cross: boolean,
  supplied: Inputs,
  normals: Normals,
  followStream = false,
): Inputs {
  const out: Inputs = {
    globals: { ...supplied.globals },
    layers: Array.from({ length: dims.layers }, (_, l) => ({ ...supplied.layers[l] })),
  };
  for (const slot of drawOrder(command, dims.layers, cross)) {
    const given = getSlot(supplied, slot);
    if (given && !followStream) continue;
    const [r, c] = SHAPES[slot.key].map((axis) => axisSize(axis, dims));
    const m = new Matrix(r, c);
    normals.fill(m.data);
    if (given) continue;
    if (slot.layer === undefined) out.globals[slot.key as GlobalKey] = m;
    else out.layers[slot.layer][slot.key as LayerKey] = m;
  }
  return out;
}
