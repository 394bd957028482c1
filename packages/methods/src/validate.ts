// Checks at the public boundary of every method: errors name the argument and the fix.
import { isFloat, type Tensor } from '@repkit/core';

export function checkMatrix(name: string, X: Tensor, cols?: number): void {
  if (!isFloat(X.dtype)) throw new Error(`${name} must be a float tensor, got ${X.dtype}; cast it to float32`);
  if (X.rank !== 2) throw new Error(`${name} must be 2-D [samples, features], got shape [${X.shape.join(', ')}]`);
  if (X.shape[0] === 0) throw new Error(`${name} is empty (0 samples)`);
  if (cols !== undefined && X.shape[1] !== cols) throw new Error(`${name} has ${X.shape[1]} features, expected ${cols}`);
  for (let i = 0; i < X.size; i++) {
    if (!Number.isFinite(X.data[i]!)) {
      throw new Error(`${name} holds ${X.data[i]} at row ${Math.floor(i / X.shape[1]!)}, column ${i % X.shape[1]!}; remove or impute non-finite values`);
    }
  }
}

export function checkLabels(name: string, y: Tensor, n: number, classes?: number): number {
  if (y.dtype !== 'int32' || y.rank !== 1) throw new Error(`${name} must be int32 [samples], got ${y.dtype}[${y.shape.join(', ')}]`);
  if (y.shape[0] !== n) throw new Error(`${name} has ${y.shape[0]} labels for ${n} samples`);
  let max = -1;
  for (const c of y.data) {
    if (c < 0 || (classes !== undefined && c >= classes)) {
      throw new Error(`${name} holds class ${c}, outside [0, ${classes ?? '∞'}); labels must be 0-based class ids`);
    }
    max = Math.max(max, c);
  }
  return max + 1;
}

export function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${v}`);
}
