// Music the platforms accept (issue 19 item 4), end to end: real Chromium
// against `wrangler dev`. Chromium on Linux has no WebCodecs AAC encoder, so
// this is the path where the web app registers mediabunny's WASM one
// (@mediabunny/aac-encoder) under the app's own CSP. Files ffmpeg makes here
// go through the Brands page's music card: an MP3 at 44.1 kHz stereo, and a
// 96 kHz 5.1 WAV that must come down to 48 kHz stereo. What the server stored
// is fetched back and judged by ffprobe (AAC-LC, ≤ 48 kHz, ≤ 2 channels, moov
// before mdat) and by ffmpeg's EBU R128 meter (about −14 LUFS, at most −1 dBTP).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { ebur128 as loudness, ffprobe, requireFfmpeg, topLevelBoxes } from "../media-node/ffmpeg";
import { buildWeb, ensureChromium, goTo, launchBrowser, PHONE, SHOTS, signUp, startDevServer, WIDE, type Browser, type DevServer } from "./harness";


let server: DevServer;
let browser: Browser;
let page: Page;
let dir = "";

const musicCard = () => page.locator("section", { has: page.getByRole("heading", { name: "Music for reels" }) });
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `music-${name}.png`), fullPage: true });
const cardShot = (name: string) => musicCard().screenshot({ path: join(SHOTS, `music-card-${name}.png`) });

function ffmpeg(...args: string[]) {
  execFileSync("ffmpeg", ["-hide_banner", "-nostdin", "-y", ...args], { stdio: ["ignore", "ignore", "pipe"] });
}

/** codec, profile, rate and channels of the first audio stream, as ffprobe reads them. */
function probe(file: string) {
  const s = ffprobe(file).streams.find((x) => x["codec_type"] === "audio")!;
  return { codec: s["codec_name"], profile: s["profile"], sampleRate: Number(s["sample_rate"]), channels: s["channels"] };
}

/** Picks the file in the music card, waits for the PUT, and returns what the server stored. */
async function uploadThroughCard(file: string, name: string): Promise<{ stored: string; bytes: Uint8Array }> {
  let put: Response | undefined;
  const onResponse = (r: Response) => {
    if (r.request().method() === "PUT" && /\/api\/brands\/[^/]+\/assets\/music$/.test(new URL(r.url()).pathname)) put = r;
  };
  page.on("response", onResponse);
  await musicCard().locator("input[type=file]").setInputFiles(file);
  // The card ends with a note (success) or a refusal (role=alert), whichever comes.
  const converting = musicCard().getByRole("status").filter({ hasText: "Converting to AAC" });
  const ended = musicCard().locator(".alert-success, [role=alert]").first();
  await converting.or(ended).first().waitFor({ timeout: 120_000 });
  if (await converting.isVisible()) await cardShot(`${name}-converting`);
  await ended.waitFor({ timeout: 120_000 });
  page.off("response", onResponse);
  const refusal = musicCard().getByRole("alert");
  if (await refusal.count()) throw new Error(`the card refused: ${await refusal.textContent()}`);
  expect(put, "the card said it was done without a PUT").toBeDefined();
  expect(put!.status(), await put!.text()).toBe(200);
  const body = (await put!.json()) as { url: string; contentType: string };
  expect(body.contentType).toBe("audio/mp4");
  const media = await page.request.get(new URL(body.url, server.baseUrl).toString());
  expect(media.status()).toBe(200);
  const bytes = new Uint8Array(await media.body());
  const stored = join(dir, `${name}-stored.m4a`);
  writeFileSync(stored, bytes);
  return { stored, bytes };
}

describe("music converted in the browser is what the platforms accept", () => {
  beforeAll(async () => {
    ensureChromium();
    requireFfmpeg();
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), "brandcast-music-"));
    buildWeb();
    server = await startDevServer();
    browser = await launchBrowser({ baseURL: server.baseUrl, viewport: WIDE });
    page = await browser.context.newPage();
    await signUp(page, { name: "Mia Music", email: "mia@example.com", workspace: "Music studio" });
    await goTo(page, "Brands");
    await page.getByLabel("Name").fill("Daily Habits");
    await page.getByRole("button", { name: "Create brand" }).click();
    await page.waitForURL(/\/brands\/brd_/);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const withLogs = () =>
    onTestFailed(async ({ task }) => {
      console.error(server.logs().slice(-4000));
      await shot(`failed-${task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => {});
    });

  it("a loud 44.1 kHz stereo MP3 becomes AAC-LC at 44.1 kHz, about −14 LUFS, moov first", async () => {
    withLogs();
    const mp3 = join(dir, "loud.mp3");
    // Two tones, one a channel, near full scale: about −4 LUFS, so the gain is a large cut.
    ffmpeg("-f", "lavfi", "-i", "aevalsrc=0.7*sin(2*PI*440*t)|0.7*sin(2*PI*660*t):s=44100:d=10", "-c:a", "libmp3lame", "-b:a", "192k", mp3);
    expect(loudness(mp3).lufs).toBeGreaterThan(-8);
    const { stored, bytes } = await uploadThroughCard(mp3, "mp3");
    expect(probe(stored)).toEqual({ codec: "aac", profile: "LC", sampleRate: 44100, channels: 2 });
    const boxes = topLevelBoxes(bytes);
    expect(boxes.indexOf("moov")).toBeGreaterThan(-1);
    expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat"));
    const level = loudness(stored);
    expect(Math.abs(level.lufs - -14), `${level.lufs} LUFS`).toBeLessThanOrEqual(1.5);
    expect(level.dbtp).toBeLessThanOrEqual(-0.5);
    const note = await musicCard().locator(".alert-success").textContent();
    expect(note).toMatch(/^Converted to AAC \(44\.1 kHz, stereo\) and levelled from −[\d.]+ LUFS to −14\.0 LUFS\.$/);
    await page.getByText("Reels play this brand's track").waitFor();
    await cardShot("mp3-done");
  });

  it("a quiet 96 kHz 5.1 WAV comes down to 48 kHz stereo AAC-LC at about −14 LUFS", async () => {
    withLogs();
    const wav = join(dir, "surround.wav");
    // Six different tones at −26 dBFS: resampled, downmixed and raised.
    const tones = [330, 440, 550, 60, 660, 770].map((f) => `0.05*sin(2*PI*${f}*t)`).join("|");
    ffmpeg("-f", "lavfi", "-i", `aevalsrc=${tones}:s=96000:d=10:c=5.1`, "-c:a", "pcm_s24le", wav);
    expect(probe(wav)).toMatchObject({ sampleRate: 96000, channels: 6 });
    const { stored } = await uploadThroughCard(wav, "wav");
    expect(probe(stored)).toEqual({ codec: "aac", profile: "LC", sampleRate: 48000, channels: 2 });
    const level = loudness(stored);
    expect(Math.abs(level.lufs - -14), `${level.lufs} LUFS`).toBeLessThanOrEqual(1.5);
    expect(level.dbtp).toBeLessThanOrEqual(-0.5);
    expect(await musicCard().locator(".alert-success").textContent()).toMatch(/^Converted to AAC \(48 kHz, stereo\) and levelled from −[\d.]+ LUFS to −14\.0 LUFS\.$/);
    await page.setViewportSize(PHONE);
    await cardShot("wav-done-375");
    await page.setViewportSize(WIDE);
    // The encoder's Worker and its WebAssembly ran under the app's own policy, which it had to allow.
    expect(browser.cspViolations).toEqual([]);
  });
});
