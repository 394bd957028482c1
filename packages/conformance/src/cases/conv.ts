// Cases for convolutions and pooling (NCHW): strides, asymmetric padding, dilation with strides
// (tfjs rejects both above 1), groups and depthwise (tfjs has no groups), a symbolic batch.
import * as op from '@repkit/core';
import type { GraphBuilder, Value } from '@repkit/core';
import type { Case } from '../case.ts';
import { uniform } from './inputs.ts';

const f32 = (b: GraphBuilder, name: string, shape: readonly (number | string)[]): Value => b.data(name, 'float32', shape);

function conv(name: string, xShape: (number | string)[], xFeed: number[], w: number[], opts: op.Conv2dTransposeOptions, transposed = false): Case {
  return {
    name: `${transposed ? 'conv2dTranspose' : 'conv2d'}/${name}`, kind: 'matmul', grad: ['x', 'w'],
    build: (b) => ({ y: (transposed ? op.conv2dTranspose : op.conv2d)(f32(b, 'x', xShape), f32(b, 'w', w), opts) }),
    feeds: (rng) => ({ x: uniform(rng, xFeed), w: uniform(rng, w) }),
  };
}

function pool(name: string, kind: 'maxPool' | 'avgPool', shape: number[], kernel: op.Pair, opts: op.AvgPoolOptions): Case {
  return {
    name: `${kind}/${name}`, kind: kind === 'maxPool' ? 'elementwise' : 'reduction', grad: ['x'],
    build: (b) => ({ y: (kind === 'maxPool' ? op.maxPool : op.avgPool)(f32(b, 'x', shape), kernel, opts) }),
    feeds: (rng) => ({ x: uniform(rng, shape) }),
  };
}

export const convCases: Case[] = [
  conv('3x3,padding=1', [2, 3, 8, 8], [2, 3, 8, 8], [4, 3, 3, 3], { padding: 1 }),
  conv('stride=2,dilation=2,asymmetric-padding', [1, 2, 9, 9], [1, 2, 9, 9], [3, 2, 3, 3], { stride: 2, dilation: 2, padding: [1, 2, 0, 1] }),
  conv('groups=2,stride=[1,2]', [2, 4, 6, 7], [2, 4, 6, 7], [6, 2, 3, 2], { groups: 2, stride: [1, 2] }),
  conv('depthwise,stride=2', [1, 3, 7, 7], [1, 3, 7, 7], [6, 1, 3, 3], { groups: 3, stride: 2, padding: 1 }),
  conv('batch,1x1', ['batch', 4, 5, 5], [3, 4, 5, 5], [2, 4, 1, 1], {}),
  conv('stride=2,padding=1,outputPadding=1', [1, 3, 4, 4], [1, 3, 4, 4], [3, 2, 3, 3], { stride: 2, padding: 1, outputPadding: 1 }, true),
  conv('dilation=2,groups=2', [2, 4, 3, 3], [2, 4, 3, 3], [4, 2, 2, 2], { dilation: 2, groups: 2 }, true),
  conv('stride=[2,1],asymmetric-padding,batch', ['batch', 2, 4, 5], [2, 2, 4, 5], [2, 3, 3, 2], { stride: [2, 1], padding: [1, 0, 0, 1] }, true),
  pool('2x2', 'maxPool', [2, 3, 6, 6], 2, {}),
  pool('3x3,stride=2,padding=1', 'maxPool', [1, 2, 7, 7], 3, { stride: 2, padding: 1 }),
  pool('2x2', 'avgPool', [2, 3, 6, 6], 2, {}),
  pool('3x3,stride=2,padding=1,countIncludePad', 'avgPool', [1, 2, 7, 6], 3, { stride: 2, padding: 1, countIncludePad: true }),
  pool('3x3,stride=2,padding=1,excludePad', 'avgPool', [1, 2, 7, 6], 3, { stride: 2, padding: 1, countIncludePad: false }),
];
