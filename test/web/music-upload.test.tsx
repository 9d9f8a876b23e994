// The music card on the Brands page: a picked file is prepared in the browser
// (measured and converted to AAC at about −14 LUFS) and its bytes are PUT as
// the request body; what the preparation did is said; a refusal, from the
// browser's converter or from the server, is shown as the message it carries.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, createClient } from "../../web/src/api/client";
import type { Brand } from "../../web/src/api/types";
import { describePrepared, type PreparedMusic } from "../../web/src/audio/convert-music";
import { MusicUpload, type PrepareMusic } from "../../web/src/components/brands/MusicUpload";
import { createAppState } from "../../web/src/state/app";
import { fakeApi, flush } from "./fixtures";

let root: HTMLElement | undefined;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
});

const brand = (hasMusic: boolean): Brand => ({
  id: "brd_a",
  slug: "a",
  name: "Daily Habits",
  timezone: "Europe/Lisbon",
  colors: { primary: "#2563eb", accent: "#db2777", light: { bg: "#ffffff", fg: "#111827" }, dark: { bg: "#0b1020", fg: "#f9fafb" } },
  slots: { reel: [], post: [] },
  scheduleOffset: 0,
  handle: null,
  hasMusic,
  brief: { niche: "", audience: "", tone: "", language: "en", topics: [], avoid: [], bannedWords: [], hashtags: [], reelsPerDay: null, postsPerDay: null },
  accounts: [],
});

async function mount(node: preact.ComponentChild) {
  root = document.createElement("div");
  document.body.appendChild(root);
  await act(() => {
    render(node, root!);
  });
}

async function pick(file: File) {
  const input = root!.querySelector<HTMLInputElement>("input[type=file]")!;
  Object.defineProperty(input, "files", { value: [file], configurable: true });
  await act(async () => {
    input.dispatchEvent(new Event("change"));
  });
  for (let i = 0; i < 5; i++) await act(async () => void (await flush()));
}

const prepared = (over: Partial<PreparedMusic> = {}): PreparedMusic => ({ bytes: new Uint8Array([1, 2, 3]), lufs: -9.2, dbtp: -0.1, gainDb: -4.8, limitedByPeak: false, converted: true, format: { sampleRate: 48000, channels: 2 }, ...over });

describe("music card", () => {
  it("prepares the picked file, PUTs the prepared bytes, says what was done and reloads the brand", async () => {
    const upload = vi.fn(async () => ({ kind: "music", key: "k", bytes: 3, contentType: "audio/mp4", url: "/media/k" }));
    const listBrands = vi.fn(async () => ({ brands: [brand(true)] }));
    const app = createAppState({ api: fakeApi({ uploadBrandAsset: upload, listBrands }) });
    const prepare: PrepareMusic = vi.fn(async (_file, onStep) => {
      onStep("Converting to AAC…");
      const p = prepared();
      return { ...p, note: describePrepared(p) };
    });
    await mount(<MusicUpload app={app} brand={brand(false)} canEdit={true} prepare={prepare} />);
    expect(root!.textContent).toContain("No track yet");
    await pick(new File([new Uint8Array(10)], "song.mp3", { type: "audio/mpeg" }));
    expect(prepare).toHaveBeenCalledOnce();
    expect(upload).toHaveBeenCalledWith("brd_a", "music", new Uint8Array([1, 2, 3]));
    expect(listBrands).toHaveBeenCalled();
    expect(root!.textContent).toContain("Converted to AAC (48 kHz, stereo) and levelled from −9.2 LUFS to −14.0 LUFS.");
  });

  it("shows the server's refusal as it is worded", async () => {
    const refusal = "The music is AAC-LC, 96 kHz, stereo: above 48 kHz. Upload AAC-LC audio at 48 kHz or less, mono or stereo, as .m4a or .aac (the Brands page converts other audio for you).";
    const app = createAppState({
      api: fakeApi({
        uploadBrandAsset: async () => {
          throw new ApiError(400, "invalid_input", refusal);
        },
      }),
    });
    await mount(<MusicUpload app={app} brand={brand(false)} canEdit={true} prepare={async () => ({ ...prepared({ converted: false }), note: "" })} />);
    await pick(new File([new Uint8Array(10)], "song.m4a"));
    expect(root!.querySelector("[role=alert]")!.textContent).toBe(refusal);
  });

  it("a browser that cannot convert says what to export instead", async () => {
    const app = createAppState({ api: fakeApi({}) });
    const cannot = Object.assign(new Error("This browser cannot encode AAC audio. Export the track as AAC-LC (.m4a), 44.1 or 48 kHz, stereo, and upload that."), { name: "MusicPrepError" });
    await mount(<MusicUpload app={app} brand={brand(true)} canEdit={true} prepare={async () => Promise.reject(cannot)} />);
    await pick(new File([new Uint8Array(10)], "song.wav"));
    expect(root!.querySelector("[role=alert]")!.textContent).toContain("Export the track as AAC-LC");
  });

  it("viewers see the state but no file picker", async () => {
    await mount(<MusicUpload app={createAppState({ api: fakeApi({}) })} brand={brand(true)} canEdit={false} />);
    expect(root!.textContent).toContain("Reels play this brand's track");
    expect(root!.querySelector("input[type=file]")).toBeNull();
  });

  it("describes a track kept quieter so its peaks stay under −1 dBTP", () => {
    expect(describePrepared(prepared({ lufs: -20, dbtp: -3, gainDb: 2, limitedByPeak: true, format: { sampleRate: 44100, channels: 1 } }))).toBe(
      "Converted to AAC (44.1 kHz, mono) at −18.0 LUFS (kept below −14.0 LUFS so its peaks stay under −1 dBTP; it was −20.0 LUFS).",
    );
  });
});

describe("the API client sends a file as the body itself", () => {
  it("as application/octet-stream, not JSON", async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ kind: "music" }), { status: 200 }));
    await createClient({ fetch: fetch as unknown as typeof globalThis.fetch }).uploadBrandAsset("brd_a", "music", new Uint8Array([7, 8]));
    const [url, init] = fetch.mock.calls[0]! as unknown as [string, RequestInit];
    expect(url).toBe("/api/brands/brd_a/assets/music");
    expect(init.method).toBe("PUT");
    expect((init.headers as Record<string, string>)["Content-Type"]).toBe("application/octet-stream");
    expect(init.body).toEqual(new Uint8Array([7, 8]));
  });
});
