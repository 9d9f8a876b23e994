// Random, URL-safe ids with a readable prefix (`brd_…`, `sch_…`). 16 random
// bytes make guessing another workspace's ids hopeless.
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export function newId(prefix: string, bytes = 12): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (const b of buf) out += ALPHABET[b % 36];
  return `${prefix}_${out}`;
}

/** `GEN-000123` ⇄ 123. */
export function formatJobId(n: number): string {
  return `GEN-${String(n).padStart(6, "0")}`;
}

export function parseJobId(jobId: string): number | null {
  const m = /^GEN-(\d{6,})$/.exec(jobId);
  return m ? Number(m[1]) : null;
}
