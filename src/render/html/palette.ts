/**
 * The colour scales of the page and the SVG heat maps. Signed values: a diverging scale centred
 * on 0 (blue below, red above: ColorBrewer's RdBu, which colour-blind readers can tell apart);
 * attention weights: a sequential scale from 0 to 1 whose strongest weight contrasts most with
 * the page (light: YlGnBu, dark: inferno). Each theme has its own pair, so 0 is the background's
 * tone and the largest magnitudes stand out on either.
 */
export type Theme = "light" | "dark";
export type Scale = "signed" | "weights";

type Stops = readonly string[];

const STOPS: Record<Theme, Record<Scale, Stops>> = {
  light: {
    signed: [
      "#053061",
      "#2166ac",
      "#4393c3",
      "#92c5de",
      "#d1e5f0",
      "#f7f7f7",
      "#fddbc7",
      "#f4a582",
      "#d6604d",
      "#b2182b",
      "#67001f",
    ],
    weights: ["#ffffd9", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
  },
  dark: {
    signed: [
      "#d1e5f0",
      "#67a9cf",
      "#2b6a9e",
      "#1b3550",
      "#202020",
      "#4f2418",
      "#b3472f",
      "#ef8a62",
      "#fddbc7",
    ],
    weights: ["#1a1a1a", "#3b0f70", "#8c2981", "#de4968", "#fe9f6d", "#fcfdbf"],
  },
};

/** The colour of a masked (hidden, −∞) cell, and of its hatching. */
export const HIDDEN: Record<Theme, [string, string]> = {
  light: ["#e4e4e4", "#b8b8b8"],
  dark: ["#2c2c2c", "#4a4a4a"],
};

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** 256 colours along a scale, as packed [r, g, b] triples: index 0 is the scale's low end. */
export function lut(theme: Theme, scale: Scale): Uint8Array {
  const stops = STOPS[theme][scale].map(rgb);
  const out = new Uint8Array(256 * 3);
  for (let n = 0; n < 256; n++) {
    const t = (n / 255) * (stops.length - 1);
    const i = Math.min(Math.floor(t), stops.length - 2);
    const f = t - i;
    for (let c = 0; c < 3; c++)
      out[n * 3 + c] = Math.round(stops[i][c] * (1 - f) + stops[i + 1][c] * f);
  }
  return out;
}

/**
 * Where a value falls on its scale, 0 … 255: weights from 0 to 1; signed values from −limit to
 * +limit, with 0 in the middle.
 */
export function lutIndex(x: number, scale: Scale, limit: number): number {
  const t = scale === "weights" ? x : limit > 0 ? 0.5 + x / (2 * limit) : 0.5;
  return Math.max(0, Math.min(255, Math.round(t * 255)));
}

/** The largest finite |x|: the signed scale runs from −limit to +limit. */
export function signedLimit(data: ArrayLike<number>): number {
  let max = 0;
  for (let n = 0; n < data.length; n++) {
    const a = Math.abs(data[n]);
    if (a > max && a !== Number.POSITIVE_INFINITY) max = a;
  }
  return max;
}

/** `#rrggbb` of entry n of a table made by lut(). */
export function hexAt(table: Uint8Array, n: number): string {
  let s = "#";
  for (let c = 0; c < 3; c++) s += table[n * 3 + c].toString(16).padStart(2, "0");
  return s;
}

/** Dark text on light cells and light text on dark ones (relative luminance, WCAG). */
export function inkOn(table: Uint8Array, n: number): string {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l =
    0.2126 * lin(table[n * 3]) + 0.7152 * lin(table[n * 3 + 1]) + 0.0722 * lin(table[n * 3 + 2]);
  return l > 0.22 ? "#111" : "#fff";
}
