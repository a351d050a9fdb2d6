/**
 * Row-major Float64Array kernels. Shapes are passed explicitly; `out` is always written, never
 * read, unless the name says "accumulate". No allocation.
 */

/** out[m×n] = A[m×k] · Bᵀ, B stored as [n×k]. The forward pass Z = X·Wᵀ. */
export function matmulTransB(
  out: Float64Array, A: Float64Array, B: Float64Array, m: number, k: number, n: number,
): void {
  for (let i = 0; i < m; i++) {
    const aRow = i * k;
    const oRow = i * n;
    for (let j = 0; j < n; j++) {
      const bRow = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[aRow + p] * B[bRow + p];
      out[oRow + j] = s;
    }
  }
}

/** out[n×k] = Aᵀ · B with A [m×n], B [m×k]. The weight gradient dW = dZᵀ·X. */
export function matmulTransA(
  out: Float64Array, A: Float64Array, B: Float64Array, m: number, n: number, k: number,
): void {
  out.fill(0, 0, n * k);
  for (let i = 0; i < m; i++) {
    const aRow = i * n;
    const bRow = i * k;
    for (let j = 0; j < n; j++) {
      const a = A[aRow + j];
      if (a === 0) continue;
      const oRow = j * k;
      for (let p = 0; p < k; p++) out[oRow + p] += a * B[bRow + p];
    }
  }
}

/** out[m×k] = A[m×n] · B[n×k]. The input gradient dX = dZ·W. */
export function matmul(
  out: Float64Array, A: Float64Array, B: Float64Array, m: number, n: number, k: number,
): void {
  out.fill(0, 0, m * k);
  for (let i = 0; i < m; i++) {
    const aRow = i * n;
    const oRow = i * k;
    for (let j = 0; j < n; j++) {
      const a = A[aRow + j];
      if (a === 0) continue;
      const bRow = j * k;
      for (let p = 0; p < k; p++) out[oRow + p] += a * B[bRow + p];
    }
  }
}

/** Z[m×n] += b broadcast over rows. */
export function addBiasRows(Z: Float64Array, b: Float64Array, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) Z[row + j] += b[j];
  }
}

/** out[n] = Σ_rows A[m×n]. The bias gradient. */
export function sumRows(out: Float64Array, A: Float64Array, m: number, n: number): void {
  out.fill(0, 0, n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) out[j] += A[row + j];
  }
}

/** True when every element of a[0..len) is finite. */
export function allFinite(a: Float64Array, len = a.length): boolean {
  for (let i = 0; i < len; i++) {
    const v = a[i];
    if (v - v !== 0) return false; // NaN or ±Infinity
  }
  return true;
}
