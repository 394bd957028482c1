import type { Case } from '../case.ts';
import { opCases } from './ops.ts';
import { elementwiseCases } from './elementwise.ts';
import { shapeCases } from './shape.ts';
import { convCases } from './conv.ts';
import { compositeCases, trainCases } from './composites.ts';
import { nnCases } from './nn.ts';
import { kgeCases } from './kge.ts';
import { sslCases } from './ssl.ts';
import { classicalCases } from './classical.ts';
import { semiCases } from './semi.ts';
import { sslSeqCases } from './ssl-seq.ts';

export const allCases: readonly Case[] = [...opCases, ...elementwiseCases, ...shapeCases, ...convCases, ...compositeCases, ...nnCases, ...trainCases, ...classicalCases, ...kgeCases, ...semiCases, ...sslCases, ...sslSeqCases];
