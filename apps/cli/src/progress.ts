// A progress bar on stderr (only when it is a terminal, so logs and --json stay clean).
import cliProgress from 'cli-progress';

export interface Progress {
  update(step: number, info: Record<string, string | number>): void;
  stop(): void;
}

export function progressBar(label: string, total: number): Progress {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {info}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return {
    update: (step, info) => bar.update(step, { info: Object.entries(info).map(([k, v]) => `${k} ${v}`).join(' ') }),
    stop: () => bar.stop(),
  };
}
