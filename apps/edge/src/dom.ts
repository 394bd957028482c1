// Small DOM helpers shared by the page's panels.

/** The element with this id; a missing one means a stale build. */
export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page lacks #${id}; rebuild it with node apps/edge/build.mjs`);
  return e as T;
};

/** A duration for people: µs below a millisecond. */
export const fmt = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
