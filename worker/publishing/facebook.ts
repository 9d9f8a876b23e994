// Facebook Pages publishing (PLATFORMS.md §2, §5): reels in three phases
// (start → transfer to rupload → finish), single photos, and multi-photo posts
// (unpublished photos, then /feed). The ids that make a retry safe (video_id,
// photo ids) are saved the moment they exist; before the call that makes a
// post public (`finish`, `/photos published=true`, `/feed`) the start is
// saved, and a redelivery asks Facebook what happened before calling again.
import { Graph, asUnknownOutcome } from "./graph";
import { checkUploadHost } from "./upload-host";
import { PublishError, type CheckpointPatch, type MediaRef, type PlatformClient, type PublishContext, type PublishOutcome } from "./types";

/** How long to wait for rupload to report the upload complete before failing (trypost: 5 s × 60). */
export const UPLOAD_WAIT_CAP_SECONDS = 10 * 60;

interface FbCheckpoint {
  uploadUrl?: string;
  /** The transfer request was answered with success. */
  transferred?: boolean;
  /** `bytes` once rupload refused the hosted-file form. */
  uploadMode?: "file_url" | "bytes";
  bytesSent?: number;
  /** Unpublished photo ids for a multi-photo post, in slide order. */
  photos?: string[];
  waitedSeconds?: number;
  polls?: number;
}

interface VideoStatus {
  status?: {
    video_status?: string;
    uploading_phase?: { status?: string; bytes_transferred?: number; error?: { message?: string } };
    processing_phase?: { status?: string; error?: { message?: string } };
    publishing_phase?: { status?: string; publish_status?: string; publish_time?: number };
  };
}

interface FbPost {
  id: string;
  message?: string;
  created_time?: string;
}

export const reelPermalink = (videoId: string) => `https://www.facebook.com/reel/${videoId}`;
export const postPermalink = (postId: string) => `https://www.facebook.com/${postId}`;

const isUploaded = (s: NonNullable<VideoStatus["status"]>) => s.uploading_phase?.status === "complete" || s.video_status === "ready" || s.video_status === "upload_complete";

const parseFbTime = (s: string | undefined) => (s ? Date.parse(s.replace(/([+-]\d\d)(\d\d)$/, "$1:$2")) : NaN);

export class FacebookClient implements PlatformClient {
  readonly platform = "facebook" as const;

  async publish(ctx: PublishContext): Promise<PublishOutcome> {
    const d = ctx.delivery;
    if (d.publishedId) return { kind: "published", publishedId: d.publishedId, permalink: d.permalink };
    const run = new FacebookRun(ctx);
    if (ctx.content.kind === "reel") return run.reel();
    const slides = ctx.content.media.slides?.length ? ctx.content.media.slides : ctx.content.media.cover ? [ctx.content.media.cover] : [];
    if (slides.length === 0) throw new PublishError("permanent", "The post has no image to publish.");
    return slides.length === 1 ? run.photo(slides[0]!) : run.multiPhoto(slides.slice(0, 10));
  }
}

class FacebookRun {
  private readonly graph: Graph;
  private readonly page: string;
  private cp: FbCheckpoint;
  private publishStartedAt: number | null;

  constructor(private readonly ctx: PublishContext) {
    this.graph = new Graph(ctx, ctx.config.facebookApiBase, ctx.account.accessToken, "Facebook");
    this.page = ctx.account.externalId;
    this.cp = { ...(ctx.delivery.checkpoint as FbCheckpoint) };
    this.publishStartedAt = ctx.delivery.publishStartedAt;
  }

  private async save(patch: CheckpointPatch) {
    if (patch.checkpoint) this.cp = { ...this.cp, ...(patch.checkpoint as FbCheckpoint) };
    if (patch.publishStartedAt !== undefined) this.publishStartedAt = patch.publishStartedAt;
    await this.ctx.checkpoint(patch);
  }

  private async markStarted() {
    if (this.publishStartedAt === null) await this.save({ step: "publishing", publishStartedAt: this.ctx.now() });
  }

  private async record(publishedId: string, permalink: string): Promise<PublishOutcome> {
    await this.save({ step: "published", publishedId, permalink });
    return { kind: "published", publishedId, permalink };
  }

  // --- Reels (§2.2) -------------------------------------------------------

  async reel(): Promise<PublishOutcome> {
    const video = this.ctx.content.media.video;
    if (!video) throw new PublishError("permanent", "The reel has no video to publish.");
    let videoId = this.ctx.delivery.uploadSession;
    if (!videoId) {
      const started = await this.graph.post<{ video_id: string; upload_url: string }>(`${this.page}/video_reels`, { upload_phase: "start" });
      this.checkUploadHost(started.upload_url);
      videoId = started.video_id;
      // The idempotency key for everything after: never `start` again once it exists.
      await this.save({ step: "reel_started", uploadSession: videoId, checkpoint: { uploadUrl: started.upload_url } });
    }
    const status = (await this.videoStatus(videoId)).status ?? {};
    const phase = status.publishing_phase;
    // §5: publishing complete (or published/scheduled) means a finish already went through.
    if (phase?.status === "complete" || phase?.publish_status === "published" || phase?.publish_status === "scheduled") return this.record(videoId, reelPermalink(videoId));
    this.failIfBroken(status);

    if (!isUploaded(status)) {
      if (this.cp.transferred && this.cp.uploadMode !== "bytes") return this.waitForUpload();
      await this.transfer(videoId, video, status.uploading_phase?.bytes_transferred ?? 0);
      const after = (await this.videoStatus(videoId)).status ?? {};
      this.failIfBroken(after);
      if (!isUploaded(after)) return this.waitForUpload();
    }

    await this.markStarted();
    let finished: { success?: boolean };
    try {
      finished = await this.graph.post<{ success?: boolean }>(`${this.page}/video_reels`, { upload_phase: "finish", video_id: videoId, video_state: "PUBLISHED", description: this.ctx.content.caption });
    } catch (err) {
      throw err instanceof PublishError ? asUnknownOutcome(err) : err;
    }
    // Anything but success is checked through the video's status on the next attempt, never finished blindly.
    if (finished.success !== true) throw new PublishError("unknown_outcome", "Facebook did not confirm that the reel was published; the next attempt checks.", { platformMessage: JSON.stringify(finished).slice(0, 200) });
    return this.record(videoId, reelPermalink(videoId));
  }

  private videoStatus(videoId: string): Promise<VideoStatus> {
    return this.graph.get<VideoStatus>(videoId, { fields: "status" });
  }

  private failIfBroken(s: NonNullable<VideoStatus["status"]>) {
    const reason = s.processing_phase?.error?.message ?? s.uploading_phase?.error?.message;
    if (reason || s.video_status === "error" || s.processing_phase?.status === "error" || s.uploading_phase?.status === "error") {
      throw new PublishError("permanent", `Facebook could not process the video.${reason ? ` Facebook said: ${reason}` : ""}`, { platformMessage: reason });
    }
    if (s.video_status === "expired") throw new PublishError("permanent", "Facebook's upload session for the reel expired.");
  }

  /**
   * The transfer to the returned upload_url, with the Page token in rupload's
   * `Authorization: OAuth` header (it takes no access_token parameter) and
   * only to the configured upload host. First the hosted file (`file_url`,
   * plus `offset: 0` and `file_size` for the variant that insists on them);
   * if rupload refuses that form, the bytes themselves, resuming from
   * `bytes_transferred` in one request (§2.2; trypost PR #32 made the same switch).
   */
  private async transfer(videoId: string, video: MediaRef, bytesTransferred: number) {
    const uploadUrl = this.cp.uploadUrl ?? `${this.ctx.config.facebookUploadBase}/video-upload/${this.ctx.config.graphVersion}/${videoId}`;
    this.checkUploadHost(uploadUrl);
    const size = await this.ctx.mediaSize(video);
    if (this.cp.uploadMode !== "bytes") {
      try {
        await this.rupload(uploadUrl, { file_url: await this.ctx.mediaUrl(video), offset: "0", file_size: String(size) });
        await this.save({ step: "reel_transferred", checkpoint: { transferred: true } });
        return;
      } catch (err) {
        // A refusal of the hosted form itself (rupload's debug_info, not a Graph error): send the bytes instead.
        if (!(err instanceof PublishError && err.errorClass === "permanent" && typeof err.opts.code === "string" && err.opts.httpStatus !== 401)) throw err;
        await this.save({ step: "reel_upload_bytes", checkpoint: { uploadMode: "bytes" } });
        bytesTransferred = 0;
      }
    }
    // rupload is non-chunking (§2.2): one request carries everything from bytes_transferred to the end; a cut
    // connection leaves bytes_transferred where it stopped, and the next attempt resumes there.
    if (bytesTransferred < size) {
      const body = await this.ctx.readMedia(video, { offset: bytesTransferred, length: size - bytesTransferred });
      await this.rupload(uploadUrl, { offset: String(bytesTransferred), file_size: String(size), "content-type": "application/octet-stream" }, body);
      await this.save({ checkpoint: { bytesSent: size } });
    }
    await this.save({ step: "reel_transferred", checkpoint: { transferred: true } });
  }

  private async rupload(uploadUrl: string, headers: Record<string, string>, body?: Uint8Array) {
    const res = await this.graph.send<{ success?: boolean }>(uploadUrl, { method: "POST", headers: { authorization: `OAuth ${this.ctx.account.accessToken}`, ...headers }, body });
    if (res.success !== true) throw new PublishError("retryable", "Facebook did not confirm the video transfer.", { platformMessage: JSON.stringify(res).slice(0, 200) });
  }

  /** Trypost refuses an upload_url off the rupload host, so the Page token never goes anywhere else (§2.2). */
  private checkUploadHost(uploadUrl: string) {
    checkUploadHost("Facebook", uploadUrl, this.ctx.config.facebookUploadBase);
  }

  private async waitForUpload(): Promise<PublishOutcome> {
    const waited = this.cp.waitedSeconds ?? 0;
    if (waited >= UPLOAD_WAIT_CAP_SECONDS) {
      throw new PublishError("permanent", `Facebook never finished receiving the video (waited ${UPLOAD_WAIT_CAP_SECONDS / 60} minutes).`);
    }
    const polls = this.cp.polls ?? 0;
    const delaySeconds = Math.min(30, 10 + 5 * polls);
    await this.save({ step: "reel_uploading", checkpoint: { polls: polls + 1, waitedSeconds: waited + delaySeconds } });
    return { kind: "waiting", delaySeconds, reason: "Facebook is still receiving the video" };
  }

  // --- Photos (§2.4) ------------------------------------------------------

  async photo(image: NonNullable<PublishContext["content"]["media"]["cover"]>): Promise<PublishOutcome> {
    const found = await this.recoverPost();
    if (found) return found;
    await this.markStarted();
    let res: { id: string; post_id?: string };
    try {
      res = await this.graph.post<{ id: string; post_id?: string }>(`${this.page}/photos`, { url: await this.ctx.mediaUrl(image), message: this.ctx.content.caption, published: "true" });
    } catch (err) {
      return this.afterPostFailure(err);
    }
    const postId = res.post_id ?? `${this.page}_${res.id}`;
    return this.record(postId, postPermalink(postId));
  }

  async multiPhoto(images: NonNullable<PublishContext["content"]["media"]["slides"]>): Promise<PublishOutcome> {
    const found = await this.recoverPost();
    if (found) return found;
    // Unpublished photos are invisible, so making them again is harmless; each id is saved as it comes.
    const photos = [...(this.cp.photos ?? [])];
    for (let i = photos.length; i < images.length; i++) {
      const res = await this.graph.post<{ id: string }>(`${this.page}/photos`, { url: await this.ctx.mediaUrl(images[i]!), published: "false" });
      photos.push(res.id);
      await this.save({ step: "photos_uploaded", checkpoint: { photos } });
    }
    const fields: Record<string, string> = { message: this.ctx.content.caption };
    // Form fields holding JSON strings (a JSON body would drop them, §0).
    photos.forEach((id, i) => (fields[`attached_media[${i}]`] = JSON.stringify({ media_fbid: id })));
    await this.markStarted();
    let res: { id: string };
    try {
      res = await this.graph.post<{ id: string }>(`${this.page}/feed`, fields);
    } catch (err) {
      return this.afterPostFailure(err);
    }
    return this.record(res.id, postPermalink(res.id));
  }

  /** A redelivery after the post call started: look for the post before posting again (§5). */
  private async recoverPost(): Promise<PublishOutcome | null> {
    if (this.publishStartedAt === null) return null;
    const post = await this.findPost();
    return post ? this.record(post.id, postPermalink(post.id)) : null;
  }

  private async findPost(): Promise<FbPost | undefined> {
    const since = Math.floor(this.publishStartedAt! / 1000);
    const list = await this.graph.get<{ data?: FbPost[] }>(`${this.page}/posts`, { fields: "id,message,created_time", since: String(since), limit: "25" });
    return (list.data ?? []).find((p) => (p.message ?? "") === this.ctx.content.caption && !(parseFbTime(p.created_time) < since * 1000));
  }

  /**
   * A failed post call. 506 (duplicate) means "verify, never retry blindly":
   * if our post is there it is recorded, otherwise the duplicate is of an
   * older post and retrying cannot help. Anything without an answer is an
   * unknown outcome that the next attempt resolves through recoverPost.
   */
  private async afterPostFailure(err: unknown): Promise<PublishOutcome> {
    if (!(err instanceof PublishError)) throw err;
    if (err.opts.code === 506) {
      const post = await this.findPost();
      if (post) return this.record(post.id, postPermalink(post.id));
      throw new PublishError("permanent", err.message, err.opts);
    }
    throw asUnknownOutcome(err);
  }
}

export const facebookClient = new FacebookClient();
