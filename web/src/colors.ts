/**
 * The page's palette: Okabe and Ito's colour-blind-safe orange (class 0 / negative) and blue
 * (class 1 / positive), which stay distinct under protanopia, deuteranopia and tritanopia; the two
 * classes also differ in shape on the map (circle and square), so colour is never the only cue.
 */
export const ORANGE: [number, number, number] = [230, 159, 0];
export const BLUE: [number, number, number] = [0, 114, 178];
const WHITE: [number, number, number] = [240, 240, 240];
/** Darker shades of the two, for text and outlines on white (contrast ≥ 4.5:1). */
export const ORANGE_TEXT = '#8a5a00';
export const BLUE_TEXT = '#005a8c';

/** Colour of a probability: orange at 0, pale at 0.5, blue at 1. */
export function probabilityColor(p: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, p));
  const [from, to, u] = t < 0.5 ? [ORANGE, WHITE, t / 0.5] : [WHITE, BLUE, (t - 0.5) / 0.5];
  return [0, 1, 2].map((k) => Math.round(from[k] + (to[k] - from[k]) * u)) as [number, number, number];
}

export const rgb = ([r, g, b]: [number, number, number], alpha = 1) => `rgba(${r},${g},${b},${alpha})`;

/** Compact number for labels: 4 significant digits. */
export function short(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

/** A value in a target's raw units: whole numbers with thousands separators from 10,000 (salaries), else `short`. */
export function rawValue(x: number): string {
  return Number.isFinite(x) && Math.abs(x) >= 1e4 && Math.abs(x) < 1e12 ? Math.round(x).toLocaleString('en-US') : short(x);
}

/** Round tick values covering [lo, hi]: about `count` of them, at 1, 2 or 5 × 10ᵏ. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/**
 * One colour per class for a multi-class target, from the same colour-blind-safe Okabe–Ito set:
 * orange, bluish green, blue (then vermillion, reddish purple, sky blue, yellow for more classes).
 * On the map each class also has its own mark (square, triangle, circle, …).
 */
export const CLASS_COLORS: readonly [number, number, number][] = [
  ORANGE, [0, 158, 115], BLUE, [213, 94, 0], [204, 121, 167], [86, 180, 233], [240, 228, 66],
];

export function classColor(k: number): [number, number, number] {
  return CLASS_COLORS[k % CLASS_COLORS.length];
}

/**
 * The heat map's colour of a predicted class: its colour, paled towards white as the confidence
 * falls to chance (p = 1/k is white, p = 1 the full colour).
 */
export function confidenceColor(k: number, p: number, classes: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, (p - 1 / classes) / (1 - 1 / classes)));
  const c = classColor(k);
  return [0, 1, 2].map((i) => Math.round(WHITE[i] + (c[i] - WHITE[i]) * t)) as [number, number, number];
}

/** Viridis at five stops (perceptually uniform, colour-blind safe, dark to light): the regression scale. */
const VIRIDIS: readonly [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

/** Colour of a value at position t in [0, 1] of the scale (clamped). */
export function valueColor(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  return [0, 1, 2].map((c) => Math.round(VIRIDIS[i][c] + (VIRIDIS[i + 1][c] - VIRIDIS[i][c]) * f)) as [number, number, number];
}

/** A CSS linear-gradient through the regression scale. */
export const VALUE_GRADIENT = `linear-gradient(90deg, ${VIRIDIS.map((c) => rgb(c)).join(', ')})`;
