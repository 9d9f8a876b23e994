// Components whose code is a chunk of their own, fetched the first time they
// are shown (DESIGN.md §8: what draws charts or analytics loads on demand, so
// the calendar's JavaScript stays small; web/chunk-budget.ts checks it). A
// failed fetch (offline, or a deploy replaced the chunk) says so and can be
// tried again.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Spinner } from "./ui";

export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>, what: string): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  return function Lazy(props: P) {
    const [Loaded, setLoaded] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (Loaded) return;
      let live = true;
      (pending ??= load()).then(
        (c) => {
          loaded = c;
          if (live) setLoaded(() => c);
        },
        () => {
          pending = null;
          if (live) setFailed(true);
        },
      );
      return () => void (live = false);
    }, [attempt]);
    if (Loaded) return <Loaded {...props} />;
    if (failed)
      return (
        <p class="alert alert-error" role="alert">
          Couldn't load {what}. Check your connection, or reload if Brandcast was just updated.{" "}
          <button
            type="button"
            class="link"
            onClick={() => {
              setFailed(false);
              setAttempt(attempt + 1);
            }}
          >
            Try again
          </button>
        </p>
      );
    return <Spinner label={`Loading ${what}…`} />;
  };
}
