import type { Case } from '../case.ts';
import { opCases } from './ops.ts';
import { compositeCases, trainCases } from './composites.ts';

export const allCases: readonly Case[] = [...opCases, ...compositeCases, ...trainCases];
