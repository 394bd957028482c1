import { MLPClassifier } from './src/index.ts';
import { loadDigits, digitsSplit, takeRows } from '@repkit/data';
const { X, y } = loadDigits(); const s = digitsSplit();
const m = new MLPClassifier({ steps: 200 });
const t0 = performance.now();
await m.fit(takeRows(X, s.pool), takeRows(y, s.pool));
console.log('ms/step', (performance.now() - t0) / 200, m.lossCurve_.slice(-3), await m.score(takeRows(X, s.test), takeRows(y, s.test)));
