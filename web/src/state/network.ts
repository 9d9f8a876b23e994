// Connectivity: when a request gets no answer, the shell shows a retry banner
// (never a blank page) and probes until the server answers again, then every
// page reloads its data.
import { signal } from "@preact/signals";

export function createNetwork(probe: () => Promise<unknown>, opts: { retryMs?: number } = {}) {
  const offline = signal(false);
  const retrying = signal(false);
  const reloaders = new Set<() => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function setOnline(online: boolean) {
    if (online === !offline.peek()) return;
    offline.value = !online;
    if (!online) schedule();
    else {
      clearTimeout(timer);
      for (const r of reloaders) r();
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(retryNow, opts.retryMs ?? 5000);
  }

  async function retryNow() {
    retrying.value = true;
    try {
      await probe(); // a reply flips us online through the client's hook
    } catch {
      if (offline.peek()) schedule();
    } finally {
      retrying.value = false;
    }
  }

  /** Registers a page's reload; returns the unregister function (for effects). */
  function onReconnect(reload: () => void) {
    reloaders.add(reload);
    return () => reloaders.delete(reload);
  }

  return { offline, retrying, setOnline, retryNow, onReconnect };
}

export type Network = ReturnType<typeof createNetwork>;
