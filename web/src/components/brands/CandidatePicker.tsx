// One grant covered several Pages, Instagram accounts or channels: the person
// picks the one this brand publishes to (API.md `candidates` / `select`).
import { useEffect, useState } from "preact/hooks";
import type { Candidate, Platform } from "../../api/types";
import type { AppState } from "../../state/app";
import { messageOf } from "../../state/calendar";
import { InlineError, Spinner } from "../ui";
import { PLATFORM_LABEL } from "./platforms";

export function CandidatePicker({ app, brandId, platform, canEdit }: { app: AppState; brandId: string; platform: Platform; canEdit: boolean }) {
  const [candidates, setCandidates] = useState<Candidate[] | null>(null);
  const [choice, setChoice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    app.api.accountCandidates(brandId, platform).then(
      (r) => setCandidates(r.candidates),
      (err) => setError(messageOf(err)),
    );
  }, [brandId, platform]);
  const legend = platform === "youtube" ? "Which channel?" : platform === "facebook" ? "Which Page?" : "Which Instagram account?";
  return (
    <form
      class="candidates"
      aria-label={`Choose the ${PLATFORM_LABEL[platform]} account`}
      onSubmit={async (ev) => {
        ev.preventDefault();
        if (!choice) return;
        setBusy(true);
        try {
          await app.api.selectCandidate(brandId, platform, choice);
          await app.brands.load();
        } catch (err) {
          setError(messageOf(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <fieldset disabled={!canEdit || busy}>
        <legend>{legend}</legend>
        {candidates === null && !error ? (
          <Spinner />
        ) : (
          candidates?.map((c) => (
            // Another brand has it (one social account, one brand): shown with why, not choosable.
            <label key={c.externalId} class={c.unavailable ? "unavailable" : undefined}>
              <input
                type="radio"
                name={`cand-${platform}`}
                value={c.externalId}
                checked={choice === c.externalId}
                disabled={!!c.unavailable}
                aria-describedby={c.unavailable ? `why-${platform}-${c.externalId}` : undefined}
                onChange={() => setChoice(c.externalId)}
              />
              <span>
                {c.name ?? c.externalId} <span class="muted">{c.externalId}</span>
                {c.unavailable && (
                  <span class="why" id={`why-${platform}-${c.externalId}`}>
                    {c.unavailable}
                  </span>
                )}
              </span>
            </label>
          ))
        )}
        {canEdit && (
          <button type="submit" class="btn btn-primary btn-small" disabled={!choice}>
            Use this one
          </button>
        )}
      </fieldset>
      <InlineError message={error} />
    </form>
  );
}
