/**
 * The leaves of a trace document by path, in document order — which is the order the layer
 * computes them: `layers[0].self.heads[0].scores`, …, `output`. Only the computed parts are
 * walked (`layers`, `steps`, `output`), never the `inputs`.
 */
export function traceLeaves<T>(
  doc: Record<string, unknown>,
  leaf: (v: unknown, path: string) => T | undefined,
): Map<string, T> {
  const out = new Map<string, T>();
  const walk = (v: unknown, path: string): void => {
    const found = leaf(v, path);
    if (found !== undefined) out.set(path, found);
    else if (Array.isArray(v)) for (const [i, item] of v.entries()) walk(item, `${path}[${i}]`);
    else if (v !== null && typeof v === "object")
      for (const [k, item] of Object.entries(v)) walk(item, `${path}.${k}`);
  };
  for (const key of ["layers", "steps", "output"]) if (key in doc) walk(doc[key], key);
  return out;
}
