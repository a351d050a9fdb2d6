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
