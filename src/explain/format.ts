/** Number formatting shared by formulas and renderings: short, signed where it helps reading. */

/** 6 significant digits without trailing zeros; `−` for negatives; ∞ spelled out. */
export function num(x: number, digits = 6): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  let s = abs >= 1e-4 && abs < 1e7 ? abs.toPrecision(digits) : abs.toExponential(digits - 1);
  if (s.includes('e')) {
    const [m, e] = s.split('e');
    s = `${m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m}e${e}`;
  } else if (s.includes('.')) {
    s = s.replace(/0+$/, '').replace(/\.$/, '');
  }
  return x < 0 ? `−${s}` : s;
}

/** A number as a factor inside a product: negative values in parentheses. */
export function factorNum(x: number): string {
  return x < 0 ? `(${num(x)})` : num(x);
}

/** `+0.031` / `−0.2`. */
export function signed(x: number, digits = 6): string {
  return x >= 0 ? `+${num(x, digits)}` : num(x, digits);
}
