// `repkit doctor`: which backends and providers are usable here, and why not.
import type { Command } from 'commander';
import { listBackends, probeBackend } from '@repkit/core';
import { BACKENDS, loadBackends } from '../backends.ts';

export interface DoctorReport {
  node: string;
  platform: string;
  backends: Record<string, { usable: boolean; engine?: string; reason?: string }>;
}

export async function doctor(): Promise<DoctorReport> {
  const report: DoctorReport = { node: process.version, platform: `${process.platform}-${process.arch}`, backends: {} };
  for (const name of BACKENDS) {
    try {
      const [b] = await loadBackends([name]);
      const reason = listBackends().includes(name) ? await probeBackend(name) : 'not registered';
      report.backends[name] = reason ? { usable: false, engine: b!.describe(), reason } : { usable: true, engine: b!.describe() };
    } catch (e) {
      report.backends[name] = { usable: false, reason: (e as Error).message };
    }
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
      console.log(`node ${r.node} on ${r.platform}`);
      for (const [name, b] of Object.entries(r.backends)) {
        console.log(`${b.usable ? 'ok  ' : 'no  '} ${name.padEnd(12)} ${b.engine ?? ''}${b.reason ? ` — ${b.reason}` : ''}`);
      }
    });
}
