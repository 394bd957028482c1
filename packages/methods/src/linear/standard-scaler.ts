// scikit-learn's StandardScaler: per-column mean and population standard deviation (a zero scale is 1).

export interface Standardiser {
  mean: Float64Array;
  scale: Float64Array;
}

/** Column statistics of a row-major [rows, cols] matrix. */
export function fitStandardiser(X: ArrayLike<number>, rows: number, cols: number): Standardiser {
  if (rows < 1 || X.length !== rows * cols) throw new Error(`fitStandardiser: X must hold ${rows}×${cols} values, got ${X.length}`);
  const mean = new Float64Array(cols), scale = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c]! += X[r * cols + c]! / rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) scale[c]! += (X[r * cols + c]! - mean[c]!) ** 2 / rows;
  for (let c = 0; c < cols; c++) scale[c] = scale[c]! > 0 ? Math.sqrt(scale[c]!) : 1;
  return { mean, scale };
}

/** (X − mean) / scale as float64. */
export function standardise(X: ArrayLike<number>, rows: number, { mean, scale }: Standardiser): Float64Array {
  const cols = mean.length, out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = (X[r * cols + c]! - mean[c]!) / scale[c]!;
  return out;
}
