// Which peer engine build.mjs bundled next to the page (peers.json), loaded once and shared by both panels.
import type { Peer } from './peer-ort.ts';

/** peers.json, written by build.mjs: which peer engines were bundled, or why none was. */
interface PeersJson { onnxruntimeWeb?: { module: string; wasmPaths: string; version: string }; missing?: string }

/** Starts a peer session over a model's bytes, or says why there is no peer. */
export type PeerFactory = { create(bytes: Uint8Array): Promise<Peer>; missing?: undefined } | { missing: string };

let factory: Promise<PeerFactory> | undefined;

async function load(): Promise<PeerFactory> {
  const res = await fetch('peers.json').catch(() => null);
  const peers: PeersJson = res?.ok ? ((await res.json()) as PeersJson) : { missing: 'peers.json is missing; rebuild with node apps/edge/build.mjs' };
  if (!peers.onnxruntimeWeb) return { missing: peers.missing ?? 'peers.json names no peer; rebuild with node apps/edge/build.mjs' };
  const mod = (await import(new URL(peers.onnxruntimeWeb.module, location.href).href)) as { createPeer(wasmPaths: string, bytes: Uint8Array): Promise<Peer> };
  const wasmPaths = new URL(peers.onnxruntimeWeb.wasmPaths, location.href).href;
  return { create: (bytes) => mod.createPeer(wasmPaths, bytes) };
}

export function peerFactory(): Promise<PeerFactory> {
  factory ??= load();
  return factory;
}
