import { describe, expect, it } from 'vitest';
import '../ops/index.ts';
import { GraphBuilder } from '../ir/graph.ts';
import { ReferenceBackend } from '../backend/reference.ts';
import { tensor } from '../tensor.ts';
import { mul, sub, sum } from '../ops/api.ts';
import { emaUpdate } from '../nn/soft-targets.ts';
import { sgd } from './sgd.ts';
import { trainStep } from './train-step.ts';
import { Trainer } from './trainer.ts';

/** loss = ½‖w − target‖²; a teacher carried as EMA of w with a fed decay. */
function emaStep(carryParam = 'w') {
  const b = new GraphBuilder('ema');
  const w = b.param('w', 'float64', [2]);
  const teacher = b.data('teacher', 'float64', [2]);
  const decay = b.data('decay', 'float64', []);
  const target = b.data('target', 'float64', [2]);
  const d = sub(w, target);
  const g = b.build({ loss: mul(sum(mul(d, d)), 0.5), gap: sum(sub(teacher, w)) });
  return trainStep(g, {
    optimizer: sgd({ lr: 0.5 }),
    carry: ({ next, input }) => ({ teacher: emaUpdate(input('teacher'), next(carryParam), input('decay')) }),
  });
}

describe('trainStep carry', () => {
  it('feeds a carried input back each step: an EMA teacher of the updated parameters', async () => {
    const step = emaStep();
    expect(step.carried).toEqual(['teacher']);
    const tr = await Trainer.create(step, new ReferenceBackend(), { w: tensor([0, 0], [2], 'float64'), teacher: tensor([1, -2], [2], 'float64') });
    const target = tensor([2, 4], [2], 'float64');
    // w: 0 → 1 → 1.5 (lr 0.5 toward 2); teacher: copy at step 0 (a = 0), then a = 0.5.
    await tr.run({ target, decay: tensor([0], [], 'float64') });
    expect(tr.params.w!.toArray()).toEqual([1, 2]);
    expect(tr.carried.teacher!.toArray()).toEqual([1, 2]);
    await tr.run({ target, decay: tensor([0.5], [], 'float64') });
    expect(tr.params.w!.toArray()).toEqual([1.5, 3]);
    expect(tr.carried.teacher!.toArray()).toEqual([1.25, 2.5]);
    tr.dispose();
  });

  it('names what is wrong: an unknown parameter, a missing initial value', async () => {
    expect(() => emaStep('v')).toThrow(/next\('v'\), which is not a trained parameter/);
    await expect(Trainer.create(emaStep(), new ReferenceBackend(), { w: tensor([0, 0], [2], 'float64') })).rejects.toThrow(/carried input 'teacher'/);
  });
});

describe('Trainer snapshot', () => {
  it('restores parameters, optimizer state, carried inputs and the step count', async () => {
    const init = { w: tensor([0, 0], [2], 'float64'), teacher: tensor([1, -2], [2], 'float64') };
    const feeds = { target: tensor([2, 4], [2], 'float64'), decay: tensor([0.5], [], 'float64') };
    const a = await Trainer.create(emaStep(), new ReferenceBackend(), init);
    await a.run(feeds);
    const snap = a.snapshot();
    await a.run(feeds);
    const b = await Trainer.create(emaStep(), new ReferenceBackend(), init);
    b.restore(snap);
    await b.run(feeds);
    expect(b.t).toBe(2);
    expect(b.params.w!.toArray()).toEqual(a.params.w!.toArray());
    expect(b.carried.teacher!.toArray()).toEqual(a.carried.teacher!.toArray());
    expect(() => b.restore({ ...snap, state: {} })).toThrow(/Trainer.restore: state 'teacher' is missing/);
  });
});
