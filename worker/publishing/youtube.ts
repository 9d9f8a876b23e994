// YouTube Shorts through videos.insert's resumable protocol (PLATFORMS.md
// §3.2, §5). The upload session URI is the idempotency handle: it is
// checkpointed the moment it exists, every attempt probes it before sending a
// byte, and the video exists only once the last byte lands, so a lost answer
// is resolved by asking the session, never by uploading again. Only when the
// session itself is gone after the last chunk went out do we look for the
// video in the channel's uploads before starting over.
import { tryParseJson } from "../lib/reply";
import { classifyYouTubeError, type GoogleErrorBody } from "./youtube-errors";
import { videoResource, type VideoResource } from "./youtube-metadata";
import { PublishError, type PlatformClient, type PublishContext, type PublishOutcome } from "./types";
import { checkUploadHost } from "./upload-host";

/** Chunks other than the last must be multiples of 256 KiB (§3.2). */
export const CHUNK_GRANULARITY = 262_144;
/** thumbnails.set's documented ceiling (some versions of the page say 50 MB; §3.5). */
export const THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024;
/** The recovery lookup accepts uploads this long before the recorded start (clocks differ). */
const LOOKUP_SLACK_MS = 10 * 60_000;
/** A wait longer than this is left to the queue's delayed retry instead of sleeping in the consumer. */
const MAX_INLINE_WAIT_S = 5;

export const shortsPermalink = (videoId: string) => `https://www.youtube.com/shorts/${videoId}`;
/** Where the channel's owner sees (and can change) a video nobody else can see yet. */
export const studioPermalink = (videoId: string) => `https://studio.youtube.com/video/${videoId}/edit`;

/**
 * What the person should know when YouTube kept the video from the audience:
 * an unverified Google project's uploads are locked to private whatever was
 * asked (PLATFORMS.md §3.3). Null when it went out as asked.
 */
export function privacyWarning(asked: string, got: string | undefined): string | null {
  if (!got || got === asked) return null;
  if (got === "private") {
    return "Uploaded as private: your Google project is unverified, so YouTube keeps every upload it makes private. Only the channel can see this video until the project passes Google's audit; make it public in YouTube Studio meanwhile.";
  }
  return `Uploaded as ${got}, not ${asked}: YouTube changed the video's visibility. Check it in YouTube Studio.`;
}

export interface YouTubeClientOptions {
  /** Bytes per PUT: a multiple of 256 KiB (postiz uses 8 MiB). */
  chunkSize?: number;
  /** Probe-and-resume rounds within one attempt after a 5xx, 429 or a cut connection. */
  maxResumes?: number;
  /** Wait before the n-th resume: backoffMs × 2^(n−1). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** A failure the same attempt may resume from by probing the session. */
class Interrupted extends Error {
  constructor(readonly error: PublishError) {
    super(error.message);
  }
}

/** What the session says: done (with the video id), resume at an offset, or gone. */
type SessionState = { kind: "complete"; videoId: string; privacy?: string } | { kind: "at"; offset: number } | { kind: "expired" };

/** The uploaded video, and its visibility when the answer said. */
interface Uploaded {
  videoId: string;
  privacy?: string;
}

interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

type Settings = Required<YouTubeClientOptions>;

export class YouTubeClient implements PlatformClient {
  readonly platform = "youtube" as const;
  private readonly settings: Settings;

  constructor(opts: YouTubeClientOptions = {}) {
    const chunkSize = opts.chunkSize ?? 8 * 1024 * 1024;
    if (chunkSize <= 0 || chunkSize % CHUNK_GRANULARITY !== 0) throw new Error(`chunkSize must be a positive multiple of ${CHUNK_GRANULARITY}`);
    this.settings = {
      chunkSize,
      maxResumes: opts.maxResumes ?? 4,
      backoffMs: opts.backoffMs ?? 500,
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
  }

  async publish(ctx: PublishContext): Promise<PublishOutcome> {
    if (ctx.delivery.publishedId) {
      await this.setThumbnail(ctx, ctx.delivery.publishedId);
      return { kind: "published", publishedId: ctx.delivery.publishedId, permalink: ctx.delivery.permalink ?? shortsPermalink(ctx.delivery.publishedId) };
    }
    const video = ctx.content.media.video;
    if (!video) throw new PublishError("permanent", "This item has no video; YouTube only takes videos.");
    const resource = videoResource(ctx.content);
    const total = await ctx.mediaSize(video);
    if (!(total > 0)) throw new PublishError("permanent", "The video file is empty or missing from storage.");

    const upload = new Upload(ctx, this.settings, resource, total);
    const done = await upload.run();
    // status.privacyStatus of the final answer: not the public Short that was asked for means a warning, and no Shorts link.
    const warning = privacyWarning(resource.status.privacyStatus, done.privacy ?? (await upload.privacyOf(done.videoId)));
    const permalink = warning ? studioPermalink(done.videoId) : shortsPermalink(done.videoId);
    // The id is the proof of publication: saved before anything else can fail.
    await ctx.checkpoint({ publishedId: done.videoId, permalink, step: "published", warning });
    await this.setThumbnail(ctx, done.videoId);
    return { kind: "published", publishedId: done.videoId, permalink };
  }

  /**
   * thumbnails.set is idempotent and cosmetic (§3.5): tried once per attempt
   * until it succeeds, once more after a pause (it is sometimes refused right
   * after the upload), and never fails the post.
   */
  private async setThumbnail(ctx: PublishContext, videoId: string): Promise<void> {
    const ref = ctx.content.media.ytThumbnail;
    if (!ref || ctx.delivery.checkpoint.thumbnail === "set") return;
    const size = await ctx.mediaSize(ref).catch(() => 0);
    if (!(size > 0) || size > THUMBNAIL_MAX_BYTES) {
      await ctx.checkpoint({ checkpoint: { thumbnail: "skipped", thumbnailError: `The thumbnail is ${size} bytes; YouTube takes 1 byte to 2 MB.` } });
      return;
    }
    let error = "";
    for (let round = 0; round < 2; round++) {
      if (round > 0) await this.settings.sleep(this.settings.backoffMs * 2);
      try {
        const body = await ctx.readMedia(ref);
        const url = `${ctx.config.youtubeUploadBase}/thumbnails/set?videoId=${encodeURIComponent(videoId)}`;
        const res = await ctx.fetch(url, { method: "POST", headers: { authorization: `Bearer ${ctx.account.accessToken}`, "content-type": ref.contentType }, body });
        const text = await res.text();
        if (res.ok) {
          await ctx.checkpoint({ checkpoint: { thumbnail: "set", thumbnailError: null } });
          return;
        }
        error = classifyYouTubeError({ status: res.status, body: (tryParseJson(text) ?? null) as GoogleErrorBody | null, retryAfter: res.headers.get("retry-after") }, "setting the thumbnail", ctx.now()).opts.platformMessage ?? `HTTP ${res.status}`;
        // Refusals right after an upload (400, 403) and server trouble may pass; a refused token or a missing video will not.
        if (!(res.status >= 500 || res.status === 400 || res.status === 403 || res.status === 429)) break;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
    }
    await ctx.checkpoint({ checkpoint: { thumbnail: "failed", thumbnailError: error.slice(0, 300) } });
  }
}

/** One attempt's upload: start or reuse the session, probe, send the rest, resume on interruptions. */
class Upload {
  private session: string | null;
  private publishStartedAt: number | null;
  /** The last chunk went out and no answer came back: only the session (or the uploads list) can say what happened. */
  private finalInFlight = false;

  constructor(
    private readonly ctx: PublishContext,
    private readonly s: Settings,
    private readonly resource: VideoResource,
    private readonly total: number,
  ) {
    this.session = ctx.delivery.uploadSession;
    this.publishStartedAt = ctx.delivery.publishStartedAt;
  }

  async run(): Promise<Uploaded> {
    for (let resumes = 0; ; resumes++) {
      try {
        return await this.upload();
      } catch (err) {
        if (!(err instanceof Interrupted)) throw err;
        if (resumes >= this.s.maxResumes || (err.error.opts.retryAfterSeconds ?? 0) > MAX_INLINE_WAIT_S) throw this.giveUp(err.error);
        await this.s.sleep(Math.max(this.s.backoffMs * 2 ** resumes, (err.error.opts.retryAfterSeconds ?? 0) * 1000));
      }
    }
  }

  private giveUp(cause: PublishError): PublishError {
    if (!this.finalInFlight) return cause;
    return new PublishError("unknown_outcome", "The last part of the video was sent but YouTube's answer was lost; the next attempt asks the upload session first.", cause.opts);
  }

  private async upload(): Promise<Uploaded> {
    for (;;) {
      if (!this.session) {
        // The last chunk of a session we no longer have went out: the video may exist (§5).
        if (this.publishStartedAt !== null) {
          const found = await this.findInUploads(this.publishStartedAt);
          if (found) return { videoId: found };
        }
        this.session = await this.startSession();
        await this.ctx.checkpoint({ uploadSession: this.session, step: "upload", checkpoint: { total: this.total, confirmedOffset: 0 } });
      }
      // The session URI gets the bearer token with every request: only on the upload host (a stored one too).
      checkUploadHost("YouTube", this.session, this.ctx.config.youtubeUploadBase);
      // Always probe before sending bytes: the session knows what it has.
      let state = await this.probe(this.session);
      while (state.kind === "at") state = await this.sendFrom(this.session, state.offset);
      if (state.kind === "complete") return { videoId: state.videoId, privacy: state.privacy };
      // Expired (a week unused): a session that never completed made no video.
      this.session = null;
      this.finalInFlight = false;
      await this.ctx.checkpoint({ uploadSession: null, step: "session_expired" });
    }
  }

  private async startSession(): Promise<string> {
    const url = `${this.ctx.config.youtubeUploadBase}/videos?uploadType=resumable&part=snippet,status`;
    const res = await this.call("starting the upload", url, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=UTF-8",
        "x-upload-content-length": String(this.total),
        "x-upload-content-type": "video/mp4",
      },
      body: JSON.stringify(this.resource),
    });
    if (res.status !== 200 && res.status !== 201) throw this.refusal(res, "starting the upload");
    const location = res.headers.get("location");
    if (!location) throw new Interrupted(new PublishError("retryable", "YouTube started an upload session without giving its address.", { httpStatus: res.status }));
    const session = new URL(location, url).toString();
    checkUploadHost("YouTube", session, this.ctx.config.youtubeUploadBase);
    return session;
  }

  // `PUT <session>` with `Content-Range: bytes */T` and no body (§3.2 step 3).
  private async probe(session: string): Promise<SessionState> {
    const res = await this.call("checking the upload", session, { method: "PUT", headers: { "content-range": `bytes */${this.total}` }, body: new Uint8Array(0) });
    return this.sessionState(res, "checking the upload");
  }

  /** Sends one chunk from `offset`; the session's answer says where to go on. */
  private async sendFrom(session: string, offset: number): Promise<SessionState> {
    // Every byte is there but the video is not confirmed yet: ask again rather than send an empty range.
    if (offset >= this.total) throw new Interrupted(new PublishError("retryable", "YouTube has the whole video but has not confirmed it yet."));
    const end = Math.min(offset + this.s.chunkSize, this.total);
    const last = end === this.total;
    if (last && this.publishStartedAt === null) {
      this.publishStartedAt = this.ctx.now();
      await this.ctx.checkpoint({ publishStartedAt: this.publishStartedAt, step: "upload_last_chunk" });
    }
    const video = this.ctx.content.media.video!;
    const bytes = await this.ctx.readMedia(video, { offset, length: end - offset });
    if (last) this.finalInFlight = true;
    const res = await this.call("uploading the video", session, {
      method: "PUT",
      headers: { "content-type": "video/mp4", "content-range": `bytes ${offset}-${end - 1}/${this.total}` },
      body: bytes,
    });
    const state = this.sessionState(res, "uploading the video");
    if (state.kind === "at") {
      this.finalInFlight = false;
      await this.ctx.checkpoint({ checkpoint: { confirmedOffset: state.offset } });
    }
    return state;
  }

  private sessionState(res: HttpAnswer, step: string): SessionState {
    if (res.status === 308) {
      const m = /bytes=0-(\d+)/.exec(res.headers.get("range") ?? "");
      return { kind: "at", offset: m ? Number(m[1]) + 1 : 0 };
    }
    if (res.status === 200 || res.status === 201) {
      const video = tryParseJson(res.text) as { id?: unknown; status?: { privacyStatus?: unknown } } | undefined;
      const id = video?.id;
      const privacy = typeof video?.status?.privacyStatus === "string" ? video.status.privacyStatus : undefined;
      if (typeof id === "string" && id) return { kind: "complete", videoId: id, privacy };
      throw new Interrupted(new PublishError("retryable", "YouTube finished the upload but its answer had no video id.", { httpStatus: res.status }));
    }
    if (res.status === 404 || res.status === 410) return { kind: "expired" };
    throw this.refusal(res, step);
  }

  /**
   * The channel's uploads playlist, newest first (§5: 1 unit per call, no
   * search.list): a video with our exact title uploaded since the last chunk
   * first went out is ours.
   */
  private async findInUploads(since: number): Promise<string | null> {
    const api = this.ctx.config.youtubeApiBase;
    const channels = await this.call("looking for the upload", `${api}/channels?mine=true&part=contentDetails`, { method: "GET" });
    if (channels.status !== 200) throw this.refusal(channels, "looking for the upload");
    const uploads = (tryParseJson(channels.text) as { items?: Array<{ contentDetails?: { relatedPlaylists?: { uploads?: string } } }> } | undefined)?.items?.[0]?.contentDetails
      ?.relatedPlaylists?.uploads;
    if (!uploads) return null;
    const list = await this.call("looking for the upload", `${api}/playlistItems?playlistId=${encodeURIComponent(uploads)}&part=snippet&maxResults=50`, { method: "GET" });
    if (list.status !== 200) throw this.refusal(list, "looking for the upload");
    type Item = { snippet?: { title?: string; publishedAt?: string; resourceId?: { videoId?: string } } };
    const items = (tryParseJson(list.text) as { items?: Item[] } | undefined)?.items ?? [];
    const ours = items
      .map((i) => i.snippet)
      .filter((s) => s?.title === this.resource.snippet.title && Date.parse(s.publishedAt ?? "") >= since - LOOKUP_SLACK_MS && s.resourceId?.videoId)
      .sort((a, b) => Date.parse(a!.publishedAt!) - Date.parse(b!.publishedAt!));
    return ours[0]?.resourceId?.videoId ?? null;
  }

  /** A video found in the uploads list came without its status: `videos.list?part=status` (1 unit). Unknown is no warning. */
  async privacyOf(videoId: string): Promise<string | undefined> {
    try {
      const res = await this.call("reading the video's status", `${this.ctx.config.youtubeApiBase}/videos?id=${encodeURIComponent(videoId)}&part=status`, { method: "GET" });
      if (res.status !== 200) return undefined;
      const privacy = (tryParseJson(res.text) as { items?: Array<{ status?: { privacyStatus?: unknown } }> } | undefined)?.items?.[0]?.status?.privacyStatus;
      return typeof privacy === "string" ? privacy : undefined;
    } catch {
      return undefined;
    }
  }

  /** One request with the account's current token; a cut connection or timeout is an interruption to resume from. */
  private async call(step: string, url: string, init: RequestInit): Promise<HttpAnswer> {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${this.ctx.account.accessToken}`);
    try {
      // 308 Resume Incomplete is not a redirect here.
      const res = await this.ctx.fetch(url, { ...init, headers, redirect: "manual" });
      return { status: res.status, headers: res.headers, text: await res.text() };
    } catch (err) {
      const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new Interrupted(new PublishError("retryable", `The connection to YouTube was lost while ${step}.`, { platformMessage: why }));
    }
  }

  /** 5xx and 429-style answers are interruptions (probe and resume); the rest are classified and end the attempt. */
  private refusal(res: HttpAnswer, step: string): Error {
    const err = classifyYouTubeError({ status: res.status, body: (tryParseJson(res.text) ?? null) as GoogleErrorBody | null, retryAfter: res.headers.get("retry-after") }, step, this.ctx.now());
    const resumable = res.status >= 500 || res.status === 429 || err.opts.code === "rateLimitExceeded" || err.opts.code === "userRateLimitExceeded";
    return resumable ? new Interrupted(err) : err;
  }
}

/** The client the publish consumer uses. */
export const youtubeClient = new YouTubeClient();
