/** TensorFlow Playground's palette: orange for class 0 / negative, blue for class 1 / positive. */
export const ORANGE: [number, number, number] = [245, 147, 34];
export const BLUE: [number, number, number] = [8, 119, 189];
const WHITE: [number, number, number] = [232, 234, 235];

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
