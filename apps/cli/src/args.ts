// Argument parsing helpers whose errors name the flag and the fix.
export function parseIntArg(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min}, got '${value}'`);
  return n;
}

export function parseNumberArg(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= min) throw new Error(`${flag} must be a number > ${min}, got '${value}'`);
  return n;
}
