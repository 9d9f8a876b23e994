// One platform's part of one brand's sampling run (sampler.ts): its account,
// its insights client, its claimed targets. Reads the account first, then the
// posts in calls of the client's batch size, and turns each answer or error
// into the statements that store, defer, park or finish each target, fenced
// by the run's claim.
import { openAccount, type AccountAccess } from "../accounts/access";
import { NoCredentials, type AccountRow } from "../accounts/credentials";
import type { Env } from "../env";
import { logError, logEvent } from "../lib/log";
import { DAY, HOUR, MINUTE } from "../lib/time";
import { parseCheckpoint } from "../publishing/context";
import { platformConfig } from "../publishing/types";
import { createInsightsContext } from "./context";
import { NO_VALUES } from "./metrics";
import { planNextAccountSample, planNextPostSample, readingKey } from "./schedule";
import { deferTarget, dropTarget, finishTarget, parkTarget, storeReading, unparkPosts, type ClaimedTarget } from "./targets";
import { InsightsError, type InsightsClient, type InsightsContext, type PostReading, type PostRef } from "./types";

/** When the platform asked us to wait without saying how long. */
const DEFAULT_RETRY_MS = 15 * MINUTE;
/** An account that cannot be read (removed, disconnected, without the insights permission) is looked at again daily, without a platform call. */
const RECHECK_ACCOUNT_MS = DAY;
/** The credentials could not be opened (a key problem): try again later, not every ten minutes. */
const CREDENTIALS_RETRY_MS = HOUR;

/** What one platform's part of a run decided: the statements to write, and counts. */
export interface GroupOutcome {
  statements: D1PreparedStatement[];
  stored: number;
  deferred: number;
  parked: number;
  calls: number;
}

/** The account as the run's claim read it: `has_parked` says whether posts wait for it (sampler.ts). */
export type AccountState = AccountRow & { insights_access?: string | null; has_parked?: number | null };

/** One platform's part of one brand's run: its account, its client, its targets. */
export class PlatformRun {
  private readonly out: GroupOutcome = { statements: [], stored: 0, deferred: 0, parked: 0, calls: 0 };
  private access: AccountAccess | null = null;
  private ctx: InsightsContext | null = null;
  /** Whether some call came back with readings: the grant covers insights. */
  private answered = false;

  constructor(
    private readonly env: Env,
    private readonly brandId: string,
    private readonly claim: string,
    private readonly now: () => number,
    private readonly account: AccountState | null,
    private readonly client: InsightsClient,
    private readonly requestTimeoutMs: number | undefined,
  ) {}

  async sample(targets: ClaimedTarget[]): Promise<GroupOutcome> {
    const db = this.env.DB;
    const accountTargets: ClaimedTarget[] = [];
    const posts: ClaimedTarget[] = [];
    for (const t of targets) {
      if (t.kind === "account") {
        // The account was removed (or replaced by another): its series is kept, nothing more to read.
        if (t.id !== this.account?.id) this.out.statements.push(finishTarget(db, t.id, this.claim));
        else accountTargets.push(t);
      } else if (t.delivery_status === null) this.out.statements.push(dropTarget(db, t.id, this.claim));
      else if (!t.published_id || t.published_at === null) this.out.statements.push(finishTarget(db, t.id, this.claim));
      else posts.push(t);
    }
    if (!accountTargets.length && !posts.length) return this.out;

    const unusable = this.unusableReason();
    if (unusable) {
      this.stop(unusable, accountTargets, posts);
      return this.out;
    }
    try {
      this.access = await openAccount(this.env, this.account!);
    } catch (err) {
      if (err instanceof NoCredentials) this.stop("account_unavailable", accountTargets, posts);
      else {
        logError("metrics: could not open the account's credentials", { brandId: this.brandId, platform: this.client.platform, error: String(err) });
        this.deferAll([...accountTargets, ...posts], this.now() + CREDENTIALS_RETRY_MS);
      }
      return this.out;
    }
    const config = { ...platformConfig(this.env), ...(this.requestTimeoutMs ? { requestTimeoutMs: this.requestTimeoutMs } : {}) };
    this.ctx = createInsightsContext(this.env, this.access, config, this.now);

    // The account first: if its grant lacks the insights permission, no post is asked for.
    for (const t of accountTargets) if (!(await this.readAccount(t))) return this.halt([t, ...posts]);
    for (let i = 0; i < posts.length; i += this.client.batchSize) {
      if (!(await this.readPosts(posts.slice(i, i + this.client.batchSize)))) return this.halt(posts.slice(i));
    }
    // Every call went through: posts that waited for this account can be read again. Only when some
    // wait: most runs have none (cost bench: it was 35 of the 242 statements of an item's 28 days of metrics).
    if (this.account!.has_parked) this.out.statements.push(unparkPosts(db, this.brandId, this.client.platform, this.now()));
    if (this.answered && this.account!.insights_access == null) {
      this.out.statements.push(db.prepare("UPDATE platform_accounts SET insights_access = 'granted' WHERE id = ? AND insights_access IS NULL").bind(this.account!.id));
    }
    return this.out;
  }

  private unusableReason(): "account_unavailable" | "insights_missing" | null {
    if (!this.account || this.account.status !== "connected") return "account_unavailable";
    if (this.account.insights_access === "missing") return "insights_missing";
    return null;
  }

  /** Set by the call that stopped this platform's part of the run: what happens to the targets it did not read. */
  private stopped: { kind: "defer"; at: number } | { kind: "park"; reason: "reconnect" | "insights_missing" } | null = null;

  /** Applies `stopped` to the targets not read; an account is looked at again in a day rather than parked. */
  private halt(rest: ClaimedTarget[]): GroupOutcome {
    const s = this.stopped!;
    for (const t of rest) {
      if (s.kind === "defer") this.deferAll([t], s.at);
      else if (t.kind === "account") this.deferAll([t], this.now() + RECHECK_ACCOUNT_MS);
      else this.park(t, s.reason);
    }
    return this.out;
  }

  /** The account cannot be read: it is looked at again in a day; its posts wait for it. */
  private stop(reason: "account_unavailable" | "insights_missing" | "reconnect", accountTargets: ClaimedTarget[], posts: ClaimedTarget[]) {
    this.deferAll(accountTargets, this.now() + RECHECK_ACCOUNT_MS);
    for (const t of posts) this.park(t, reason);
  }

  private park(t: ClaimedTarget, reason: "account_unavailable" | "insights_missing" | "reconnect") {
    this.out.statements.push(parkTarget(this.env.DB, t.id, this.claim, reason));
    this.out.parked++;
  }

  private deferAll(targets: ClaimedTarget[], at: number) {
    for (const t of targets) this.out.statements.push(deferTarget(this.env.DB, t.id, this.claim, at));
    this.out.deferred += targets.length;
  }

  /** Returns false when the error stops this platform's part of the run (this.stopped says how). */
  private async readAccount(t: ClaimedTarget): Promise<boolean> {
    this.out.calls++;
    let followers: number | null = null;
    let simulated = false;
    try {
      const reading = await this.client.account(this.ctx!);
      followers = reading.followers;
      simulated = reading.simulated ?? false;
      this.answered = true;
    } catch (err) {
      if (!this.handle(err)) return false;
    }
    const capturedAt = this.now();
    this.store(t, { capturedAt, values: NO_VALUES, followers, simulated }, { nextAt: planNextAccountSample(capturedAt), backoff: 0 });
    return true;
  }

  private async readPosts(chunk: ClaimedTarget[]): Promise<boolean> {
    this.out.calls++;
    const refs: PostRef[] = chunk.map((t) => ({
      deliveryId: t.id,
      publishedId: t.published_id!,
      contentType: t.content_type ?? "reel",
      publishedAt: t.published_at!,
      checkpoint: parseCheckpoint(t.checkpoint),
    }));
    let readings = new Map<string, PostReading>();
    try {
      readings = new Map((await this.client.posts(this.ctx!, refs)).map((r) => [r.deliveryId, r]));
      this.answered = true;
    } catch (err) {
      if (!this.handle(err)) return false;
    }
    const capturedAt = this.now();
    for (const t of chunk) {
      // A post the answer left out is a reading with nothing reported, like a post the platform refused alone.
      const r = readings.get(t.id);
      const values = r?.values ?? NO_VALUES;
      const unchanged = t.samples > 0 && readingKey(values) === readingKey(t);
      // A rider's schedule goes on from when it was due, not from this early reading.
      const next = planNextPostSample({ publishedAt: t.published_at!, capturedAt: Math.max(capturedAt, t.ride_due ?? 0), unchanged, backoff: t.backoff });
      this.store(t, { capturedAt, values, followers: null, simulated: r?.simulated ?? false }, next);
    }
    return true;
  }

  private store(t: ClaimedTarget, reading: Parameters<typeof storeReading>[3], next: Parameters<typeof storeReading>[4]) {
    this.out.statements.push(...storeReading(this.env.DB, t, this.claim, reading, next));
    this.out.stored++;
  }

  /**
   * A failed call (DESIGN.md §10, worker/analytics/types.ts): `permanent` is a
   * reading with nothing reported, and the run goes on (returns true); the
   * others stop this platform's part (returns false, `stopped` says how):
   * `retryable` defers by the platform's Retry-After, `reconnect` parks the
   * posts until the account is usable again, `missing_permission` records that
   * the grant lacks insights and stops asking. Anything else is a bug in a
   * client: logged, and deferred like an outage.
   */
  private handle(err: unknown): boolean {
    const platform = this.client.platform;
    const scrub = (text: string) => (this.access?.secrets ?? []).reduce((s, secret) => (secret.length >= 8 ? s.split(secret).join("[redacted]") : s), text);
    if (!(err instanceof InsightsError)) {
      logError("metrics: insights client crashed", { brandId: this.brandId, platform, error: scrub(err instanceof Error ? `${err.name}: ${err.message}` : String(err)) });
      this.stopped = { kind: "defer", at: this.now() + DEFAULT_RETRY_MS };
      return false;
    }
    logEvent("metrics: insights call failed", { brandId: this.brandId, platform, errorClass: err.errorClass, error: scrub(err.message), code: err.opts.code }, "warn");
    switch (err.errorClass) {
      case "permanent":
        return true;
      case "retryable": {
        const wait = err.opts.retryAfterSeconds !== undefined ? Math.max(MINUTE, err.opts.retryAfterSeconds * 1000) : DEFAULT_RETRY_MS;
        this.stopped = { kind: "defer", at: this.now() + Math.min(wait, DAY) };
        return false;
      }
      case "reconnect":
        this.stopped = { kind: "park", reason: "reconnect" };
        return false;
      case "missing_permission":
        this.out.statements.push(this.env.DB.prepare("UPDATE platform_accounts SET insights_access = 'missing' WHERE id = ?").bind(this.account!.id));
        this.stopped = { kind: "park", reason: "insights_missing" };
        return false;
    }
  }
}
