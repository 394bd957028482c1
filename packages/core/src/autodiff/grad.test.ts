import { describe, expect, it } from 'vitest';
import '../ops/index.ts';
import * as op from '../ops/api.ts';
import { crossEntropy, l2Normalize, norm } from '../nn/composites.ts';
import { Philox } from '../rng/philox.ts';
import { Tensor } from '../tensor.ts';
import { awayFromZero, broadcastPartner, randomInts, randomShape, randomTensor } from '../testing/random.ts';
import { GraphBuilder, type Value } from '../ir/graph.ts';
import { grad } from './grad.ts';
import { interpret } from '../backend/reference.ts';
import { check, f64 } from '../testing/expect-grad.ts';

const rng = new Philox(2024);



/** Move entries within 0.01 of a kink (clip's bounds) off it, so that finite differences are one-sided-free. */
function awayFromBounds(t: Tensor, bounds: readonly number[]): Tensor {
  for (let i = 0; i < t.size; i++) for (const b of bounds) if (Math.abs(t.data[i]! - b) < 0.01) t.data[i] = b + 0.05;
  return t;
}

describe('VJP of every differentiable primitive matches central finite differences (float64)', () => {
  const binaries: [string, (a: Value, b: Value) => Value][] = [
    ['add', op.add], ['sub', op.sub], ['mul', op.mul], ['div', op.div], ['maximum', op.maximum], ['minimum', op.minimum],
    ['pow', op.pow],
  ];
  for (const [name, f] of binaries) {
    for (let trial = 0; trial < 4; trial++) {
      const sa = randomShape(rng), sb = broadcastPartner(rng, sa);
      const [s1, s2] = trial % 2 ? [sb, sa] : [sa, sb];
      it(`${name} [${s1}] with [${s2}]`, () => {
        // pow: a positive base, so that both partials exist.
        const a = name === 'pow' ? randomTensor(rng, s1, 0.2, 2) : randomTensor(rng, s1);
        const b = name === 'div' ? awayFromZero(rng, s2, 0.5) : name === 'pow' ? randomTensor(rng, s2, -2, 3) : randomTensor(rng, s2);
        check((g) => f(f64(g, 'a', a), f64(g, 'b', b)), { a, b });
      });
    }
  }

  const unaries: [string, (x: Value) => Value, (s: number[]) => Tensor][] = [
    ['neg', op.neg, (s) => randomTensor(rng, s)],
    ['exp', op.exp, (s) => randomTensor(rng, s)],
    ['log', op.log, (s) => randomTensor(rng, s, 0.3, 2)],
    ['sqrt', op.sqrt, (s) => randomTensor(rng, s, 0.3, 2)],
    ['abs', op.abs, (s) => awayFromZero(rng, s)],
    ['sign', (x) => op.mul(op.sign(x), x), (s) => awayFromZero(rng, s)],
    ['relu', op.relu, (s) => awayFromZero(rng, s)],
    ['sigmoid', op.sigmoid, (s) => randomTensor(rng, s, -6, 6)],
    ['tanh', op.tanh, (s) => randomTensor(rng, s, -3, 3)],
    ['softplus', op.softplus, (s) => randomTensor(rng, s, -6, 6)],
    ['erf', op.erf, (s) => randomTensor(rng, s, -3.5, 3.5)],
    ['clip', (x) => op.clip(x, -0.5, 0.7), (s) => awayFromBounds(randomTensor(rng, s, -1.5, 1.5), [-0.5, 0.7])],
    ['clip one-sided', (x) => op.clip(x, -Infinity, 0.25), (s) => awayFromBounds(randomTensor(rng, s, -1.5, 1.5), [0.25])],
  ];
  for (const [name, f, gen] of unaries) {
    const s = randomShape(rng);
    it(`${name} [${s}]`, () => {
      const x = gen(s);
      check((g) => f(f64(g, 'x', x)), { x });
    });
  }

  it('pow with a negative base and integer exponents', () => {
    const a = awayFromZero(rng, [3, 4], 0.3, 1.5), b = new Tensor('float64', [4], new Float64Array([2, 3, -1, 0]));
    check((g) => op.pow(f64(g, 'a', a), g.constant('b', b)), { a });
  });

  it('where with a broadcast condition', () => {
    const c = new Tensor('bool', [3, 1], new Uint8Array([1, 0, 1]));
    const a = randomTensor(rng, [3, 4]), b = randomTensor(rng, [4]);
    check((g) => op.where(g.data('c', 'bool', [3, 1]), f64(g, 'a', a), f64(g, 'b', b)), { c, a, b }, ['a', 'b']);
  });

  for (const [name, f] of [['sum', op.sum], ['mean', op.mean], ['max', op.max], ['min', op.min], ['logsumexp', op.logsumexp]] as const) {
    for (const [axes, keep] of [[[0], false], [[1, 2], true], [[0, 2], false], [undefined, false]] as const) {
      it(`reduce ${name} axes=${axes ?? 'all'} keepDims=${keep}`, () => {
        const x = randomTensor(rng, [3, 4, 2]);
        check((g) => f(f64(g, 'x', x), axes, keep), { x });
      });
    }
  }

  for (const [sa, sb] of [[[3, 4], [4, 5]], [[2, 3, 4], [4, 5]], [[3, 4], [2, 4, 5]], [[2, 1, 3, 4], [3, 4, 2]]]) {
    it(`matmul [${sa}] @ [${sb}]`, () => {
      const a = randomTensor(rng, sa!), b = randomTensor(rng, sb!);
      check((g) => op.matmul(f64(g, 'a', a), f64(g, 'b', b)), { a, b });
    });
  }

  it('transpose, reshape, expand', () => {
    const x = randomTensor(rng, [2, 3, 4]), y = randomTensor(rng, [3, 1]);
    check((g) => op.transpose(f64(g, 'x', x), [2, 0, 1]), { x });
    check((g) => op.reshape(f64(g, 'x', x), [4, -1]), { x });
    check((g) => op.expand(f64(g, 'y', y), [2, 3, 5]), { y });
  });

  it('gather with repeated indices, and scatterAdd', () => {
    const table = randomTensor(rng, [5, 3]), idx = new Tensor('int32', [2, 3], new Int32Array([1, 4, 1, 0, 1, 4]));
    check((g) => op.gather(f64(g, 'table', table), g.data('idx', 'int32', [2, 3])), { table, idx }, ['table']);
    const upd = randomTensor(rng, [2, 3, 2]);
    check((g) => op.scatterAdd(g.data('idx', 'int32', [2, 3]), f64(g, 'upd', upd), 6), { idx, upd }, ['upd']);
  });

  it('a table gathered several times gets one scatter of all the rows, with the same gradient', () => {
    const table = randomTensor(rng, [6, 2]), a = new Tensor('int32', [3], Int32Array.of(1, 5, 1)), c = new Tensor('int32', [2, 2], Int32Array.of(0, 1, 5, 5));
    const build = (g: GraphBuilder): Value => {
      const t = f64(g, 'table', table);
      const ia = g.data('a', 'int32', [3]), x = op.gather(t, ia), y = op.gather(t, g.data('c', 'int32', [2, 2]));
      return op.add(op.sum(op.mul(x, x)), op.add(op.sum(op.exp(y)), op.sum(op.gather(t, ia))));
    };
    check(build, { table, a, c }, ['table']);
    const b = new GraphBuilder('three');
    const gg = grad(b.build({ loss: build(b) }), { loss: 'loss', wrt: ['table'] });
    expect(gg.nodes.filter((n) => n.op === 'scatterAdd')).toHaveLength(1);
    expect(gg.nodes.filter((n) => n.op === 'add' && n.outputs[0]!.shape.join() === '6,2')).toHaveLength(0);
    // Symbolic batch dims cannot be concatenated: the scatters are added as before.
    const s = new GraphBuilder('symbolic');
    const t = s.param('table', 'float64', [6, 2]), i = s.data('i', 'int32', ['batch', 3]);
    const sym = grad(s.build({ loss: op.add(op.sum(op.gather(t, i)), op.sum(op.exp(op.gather(t, i)))) }), { loss: 'loss', wrt: ['table'] });
    expect(sym.nodes.filter((n) => n.op === 'scatterAdd')).toHaveLength(2);
  });

  it('logSoftmax and softmax on the last and a middle axis', () => {
    const x = randomTensor(rng, [2, 5, 3], -2, 2);
    check((g) => op.logSoftmax(f64(g, 'x', x), -1), { x });
    check((g) => op.logSoftmax(f64(g, 'x', x), 1), { x });
    check((g) => op.softmax(f64(g, 'x', x), -1), { x });
    check((g) => op.softmax(f64(g, 'x', x), 1), { x });
  });

  it('logsumexp of large logits, and of a broadcast sum', () => {
    const x = randomTensor(rng, [3, 4], 500, 510), y = randomTensor(rng, [4]);
    check((g) => op.logsumexp(f64(g, 'x', x), -1), { x });
    check((g) => op.logsumexp(op.add(f64(g, 'x', x), f64(g, 'y', y)), 0, true), { x, y });
  });

  it('cast between float widths passes the cotangent through', () => {
    const x = randomTensor(rng, [3]);
    check((g) => op.cast(op.cast(f64(g, 'x', x), 'float64'), 'float64'), { x });
  });
});

describe('autodiff over whole expressions', () => {
  it('a value used several times sums its cotangents', () => {
    const x = randomTensor(rng, [4, 3]);
    check((g) => {
      const v = f64(g, 'x', x);
      return op.add(op.mul(v, v), op.mul(op.exp(v), op.sum(v, 1, true)));
    }, { x });
  });

  it('a symbolic batch dim: mean over batch of a cross-entropy', () => {
    const x = randomTensor(rng, [6, 4]), W = randomTensor(rng, [4, 3]), y = randomInts(rng, [6], 0, 3);
    check((g) => crossEntropy(op.matmul(g.data('x', 'float64', ['batch', 4]), f64(g, 'W', W)), g.data('y', 'int32', ['batch'])),
      { x, W, y }, ['x', 'W']);
  });

  it('norms and l2-normalise', () => {
    const x = awayFromZero(rng, [3, 4]);
    check((g) => norm(f64(g, 'x', x), 1), { x });
    check((g) => norm(f64(g, 'x', x), 2, 0, true), { x });
    check((g) => l2Normalize(f64(g, 'x', x)), { x });
  });
});

describe('stopGradient', () => {
  it('passes x forward and blocks its cotangent: d/dx Σ x·(x + sg(x)) = 3x, not 4x', () => {
    const x = randomTensor(rng, [3, 4]);
    const b = new GraphBuilder('sg');
    const v = f64(b, 'x', x);
    const y = op.mul(v, op.add(v, op.stopGradient(v)));
    const out = interpret(grad(b.build({ loss: op.sum(y), y }), { loss: 'loss', wrt: ['x'] }), { x });
    out.y!.data.forEach((yi, i) => expect(yi).toBe(2 * x.data[i]! * x.data[i]!));
    out['grad:x']!.data.forEach((gi, i) => expect(gi).toBeCloseTo(3 * x.data[i]!, 14));
  });
});
