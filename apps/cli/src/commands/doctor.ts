// `repkit doctor`: which backends, execution providers and engine features are usable here, and why not.
import type { Command } from 'commander';
import { probeBackend } from '@repkit/core';
import { BACKENDS, loadBackends } from '../backends.ts';

export interface DoctorReport {
  node: string;
  platform: string;
  cpus: number;
  backends: Record<string, { usable: boolean; engine?: string; reason?: string }>;
  onnxruntime?: { version: string; providers: { name: string; available: boolean; reason: string | null; fix: string | null }[] };
  wasm?: { version: string; simd: boolean; threads: number };
  /** Host kernels: which engine (native addon, wasm module, TypeScript) is in use and why not the others. */
  kernels?: unknown;
}

export async function doctor(): Promise<DoctorReport> {
  const { availableParallelism } = await import('node:os');
  const report: DoctorReport = { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: availableParallelism(), backends: {} };
  for (const name of BACKENDS) {
    try {
      const [b] = await loadBackends([name]);
      const reason = await probeBackend(name);
      report.backends[name] = reason ? { usable: false, engine: b!.describe(), reason } : { usable: true, engine: b!.describe() };
      if (name === 'onnxruntime') report.onnxruntime = await (await import('@repkit/backend-onnxruntime')).probeOrt();
      if (name === 'wasm') {
        const { version, simd, threads } = (b as unknown as { info: { version: string; simd: boolean; threads: number } }).info;
        report.wasm = { version, simd, threads };
      }
    } catch (e) {
      report.backends[name] = { usable: false, reason: (e as Error).message };
    }
  }
  try {
    report.kernels = (await import('@repkit/kernels')).kernelsInfo();
  } catch (e) {
    report.kernels = { engine: 'none', why: (e as Error).message };
  }
  return report;
}

export function doctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('report which backends and execution providers are usable here, and why not')
    .option('--json', 'print the report as JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await doctor();
      if (o.json) return console.log(JSON.stringify(r, null, 2));
      console.log(`node ${r.node} on ${r.platform}, ${r.cpus} cpus`);
      for (const [name, b] of Object.entries(r.backends)) {
        console.log(`${b.usable ? 'ok  ' : 'no  '} ${name.padEnd(12)} ${b.engine ?? ''}${b.reason ? ` — ${b.reason}` : ''}`);
      }
      for (const p of r.onnxruntime?.providers ?? []) {
        console.log(`${p.available ? 'ok  ' : 'no  '} onnxruntime ${p.name} execution provider${p.reason ? ` — ${p.reason}; fix: ${p.fix}` : ''}`);
      }
      if (r.wasm) console.log(`${r.wasm.simd ? 'ok  ' : 'no  '} wasm SIMD; ${r.wasm.threads} thread(s)`);
      const k = r.kernels as { engine: string; why: string; engines?: Record<string, { available: boolean; reason?: string | null }> };
      console.log(`host kernels: ${k.engine} (${k.why})`);
      for (const [name, e] of Object.entries(k.engines ?? {})) console.log(`${e.available ? 'ok  ' : 'no  '} kernels ${name}${e.reason ? ` — ${e.reason}` : ''}`);
    });
}
