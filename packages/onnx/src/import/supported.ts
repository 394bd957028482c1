// The ONNX op types the import table maps to core ops, for messages, docs and `repkit doctor`-style listings.
import { IMPORTERS } from './table.ts';

export function supportedOnnxOps(): string[] {
  return Object.keys(IMPORTERS).sort();
}
