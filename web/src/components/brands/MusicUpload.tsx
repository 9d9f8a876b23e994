// The brand's music for reels. Any audio the browser can decode is measured
// (BS.1770 loudness, true peak) and, unless it already is AAC-LC near −14
// LUFS, converted in the browser to AAC-LC at about −14 LUFS and −1 dBTP
// (audio/convert-music.ts) before it is uploaded; the server checks the AAC
// configuration again and says what to upload when it refuses.
import { useState } from "preact/hooks";
import type { Brand } from "../../api/types";
import type { PreparedMusic } from "../../audio/convert-music";
import type { AppState } from "../../state/app";
import { messageOf } from "../../state/calendar";
import { Alert, InlineError } from "../ui";

export type PrepareMusic = (file: Blob, onStep: (step: string) => void) => Promise<PreparedMusic & { note: string }>;

/** The converter, downloaded only when someone picks a file (it brings mediabunny). */
const lazyPrepare: PrepareMusic = async (file, onStep) => {
  const { prepareMusic, describePrepared } = await import("../../audio/convert-music");
  const prepared = await prepareMusic(file, onStep);
  return { ...prepared, note: describePrepared(prepared) };
};

export function MusicUpload({ app, brand, canEdit, prepare = lazyPrepare }: { app: AppState; brand: Brand; canEdit: boolean; prepare?: PrepareMusic }) {
  const [step, setStep] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = step !== null;

  async function upload(file: File) {
    setError(null);
    setNote(null);
    try {
      const prepared = await prepare(file, setStep);
      setStep("Uploading…");
      await app.api.uploadBrandAsset(brand.id, "music", prepared.bytes);
      setNote(prepared.note);
      await app.brands.load();
    } catch (err) {
      setError(err instanceof Error && err.name === "MusicPrepError" ? err.message : messageOf(err));
    } finally {
      setStep(null);
    }
  }

  async function remove() {
    setError(null);
    setNote(null);
    try {
      await app.api.removeBrandAsset(brand.id, "music");
      await app.brands.load();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <section class="card" aria-labelledby="music-h">
      <h2 id="music-h">Music for reels</h2>
      <p class="muted">
        {brand.hasMusic ? "Reels play this brand's track, looped to the reel's length." : "No track yet: reels are silent."} Pick any audio file: this browser converts it
        to AAC at about −14 LUFS, the loudness Instagram, Facebook and YouTube play at, before it is uploaded.
      </p>
      {canEdit && (
        <div class="form-actions">
          <label for={`music-${brand.id}`}>{brand.hasMusic ? "Replace the track" : "Music file"}</label>
          <input
            id={`music-${brand.id}`}
            type="file"
            accept="audio/*,.m4a,.aac,.mp3,.wav,.flac,.ogg,.opus"
            disabled={busy}
            onChange={(ev) => {
              const file = ev.currentTarget.files?.[0];
              ev.currentTarget.value = "";
              if (file) void upload(file);
            }}
          />
          {brand.hasMusic && (
            <button type="button" class="btn" disabled={busy} onClick={() => void remove()}>
              Remove track
            </button>
          )}
          {step && (
            <span role="status" class="muted">
              {step}
            </span>
          )}
        </div>
      )}
      {note && <Alert kind="success">{note}</Alert>}
      <InlineError message={error} />
    </section>
  );
}
