// Test-side handle on a fake server's /__admin API, from inside workerd.
import { inject } from "vitest";

export interface FaultRule {
  match?: { method?: string; path?: string; nth?: number };
  action: { status?: number; body?: unknown; headers?: Record<string, string>; delayMs?: number; hang?: boolean; dropAfterCommit?: boolean; truncate?: number };
  times?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  bodyLength: number;
  form?: Record<string, string>;
  at: number;
  status?: number;
  fault?: string;
}

export function fakeUrl(name: string): string {
  const url = inject("fakes")[name];
  if (!url) throw new Error(`No fake named ${name} is running (test/fakes/index.mjs).`);
  return url;
}

export function fakeAdmin(name: string) {
  return fakeAdminAt(fakeUrl(name), name);
}

/** The /__admin API of the fake at `base` (a private instance, see global-setup.ts `chaosFakes`). */
export function fakeAdminAt(base: string, name = base) {
  const admin = async <T>(method: string, what: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/__admin/${what}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`fake ${name} /__admin/${what}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    url: base,
    state: <T = any>() => admin<T>("GET", "state"),
    requests: async () => (await admin<{ requests: LoggedRequest[] }>("GET", "requests")).requests,
    fault: (rules: FaultRule | FaultRule[]) => admin("POST", "faults", rules),
    clearFaults: () => admin("DELETE", "faults"),
    advance: (ms: number) => admin("POST", "clock", { advanceMs: ms }),
    /** Frozen, the clock moves only by advance and POST clock `now` (fake-server.mjs). */
    freeze: (frozen: boolean) => admin("POST", "clock", { freeze: frozen }),
    reset: () => admin("POST", "reset"),
    seed: <T = any>(input: unknown) => admin<T>("POST", "seed", input),
  };
}
