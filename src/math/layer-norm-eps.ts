/** The ε of layer_norm's √(var + ε); a module of its own so the trace table needs no kernels. */
export const LAYER_NORM_EPS = 1e-8;
