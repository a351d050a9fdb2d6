/**
 * Register-blocked Float64 kernels that give bit-for-bit the results of the reference kernels in
 * `kernels.ts`: every output element is still one sum started at 0 and accumulated in the same
 * order over the shared dimension; only the order in which *independent* outputs are computed
 * changes (8 of them at a time, so each loaded value is used two or four times). No allocation.
 *
 * All three products of a dense layer reduce to one kernel, out = A·Bᵀ:
 *   forward   Z  = X·Wᵀ              gemmABt(Z, X, W)
 *   dW        dW = dZᵀ·X = (dZᵀ)·(Xᵀ)ᵀ  gemmABt(dW, dZᵀ, Xᵀ)   (sum over rows, in row order)
 *   dX        dX = dZ·W  = dZ·(Wᵀ)ᵀ     gemmABt(dX, dZ, Wᵀ)    (sum over units, in unit order)
 */

/**
 * out[m×n] = A[m×k] · Bᵀ with B stored [n×k]; out[i,j] = ((0 + a_i0·b_j0) + a_i1·b_j1) + …
 * Blocks of 4 rows of A × 2 rows of B (8 sums in registers, 6 loads per 8 multiply-adds), then
 * 4×1 for an odd last column and 1×1 for the last rows.
 */
export function gemmABt(
  out: Float64Array, A: Float64Array, B: Float64Array, m: number, k: number, n: number,
): void {
  const m4 = m - (m % 4);
  // Rows of B are taken in blocks of about 64 KiB so that a block stays in cache while every row
  // of A passes over it (wide layers otherwise stream B from memory once per 4 rows of A).
  // Blocking over j never splits a sum: each out[i,j] is still one pass over p = 0 … k−1.
  const jBlock = Math.max(2, 2 * Math.floor(4096 / Math.max(k, 1)));
  for (let jb = 0; jb < n; jb += jBlock) {
    const je = Math.min(n, jb + jBlock);
    const je2 = je - ((je - jb) % 2);
    for (let i = 0; i < m4; i += 4) {
      const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
      const o0 = i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
      for (let j = jb; j < je2; j += 2) {
        const b0 = j * k, b1 = b0 + k;
        let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
        for (let p = 0; p < k; p++) {
          const y0 = B[b0 + p], y1 = B[b1 + p];
          const x0 = A[a0 + p];
          s00 += x0 * y0; s01 += x0 * y1;
          const x1 = A[a1 + p];
          s10 += x1 * y0; s11 += x1 * y1;
          const x2 = A[a2 + p];
          s20 += x2 * y0; s21 += x2 * y1;
          const x3 = A[a3 + p];
          s30 += x3 * y0; s31 += x3 * y1;
        }
        out[o0 + j] = s00; out[o0 + j + 1] = s01;
        out[o1 + j] = s10; out[o1 + j + 1] = s11;
        out[o2 + j] = s20; out[o2 + j + 1] = s21;
        out[o3 + j] = s30; out[o3 + j + 1] = s31;
      }
      if (je2 < je) {
        const b0 = je2 * k;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let p = 0; p < k; p++) {
          const y = B[b0 + p];
          s0 += A[a0 + p] * y;
          s1 += A[a1 + p] * y;
          s2 += A[a2 + p] * y;
          s3 += A[a3 + p] * y;
        }
        out[o0 + je2] = s0; out[o1 + je2] = s1; out[o2 + je2] = s2; out[o3 + je2] = s3;
      }
    }
  }
  for (let i = m4; i < m; i++) {
    const a0 = i * k;
    const o0 = i * n;
    for (let j = 0; j < n; j++) {
      const b0 = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[a0 + p] * B[b0 + p];
      out[o0 + j] = s;
    }
  }
}

/** out[c×r] = Aᵀ for A [r×c]. */
export function transpose(out: Float64Array, A: Float64Array, r: number, c: number): void {
  for (let i = 0; i < r; i++) {
    const row = i * c;
    for (let j = 0; j < c; j++) out[j * r + i] = A[row + j];
  }
}
