import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from './tensor.ts';

describe('Tensor', () => {
  it('checks shape and dtype at construction', () => {
    expect(() => new Tensor('float32', [2, 2], new Float32Array(3))).toThrow(/needs 4/);
    expect(() => new Tensor('float32', [2], new Float64Array(2))).toThrow(/Float32Array/);
    expect(() => new Tensor('int64' as never, [1])).toThrow(/dtype/);
    expect(() => new Tensor('float32', [-1])).toThrow(/non-negative/);
  });
  it('casts: floats truncate into int32, bool is x != 0', () => {
    const t = tensor([1.7, -1.7, 0], [3], 'float64');
    expect(t.cast('int32').toArray()).toEqual([1, -1, 0]);
    expect(t.cast('bool').toArray()).toEqual([1, 1, 0]);
  });
});
