// Types of the parts of build.mjs that the tests import.
export const CLANG: string;
export function clangVersion(clang?: string): string | null;
export function rebuildSkipReason(version?: string | null): string;
