// Shaping the benches' figures (the TypeScript ones; test/bench/*.bench.mjs run in plain Node).
export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
export const perSecond = (n: number, ms: number) => round((n * 1000) / Math.max(ms, 0.001));

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * (sorted.length - 1)))]!;
}
