// YouTube insights (PLATFORMS.md §8.3) through the Data API v3 with the
// channel's Bearer token: `videos.list?part=statistics` answers for up to 50
// videos in one call of 1 quota unit, so posts go 50 ids a call;
// `channels.list?part=statistics&mine=true` gives the subscribers (null when
// the channel hides them). Every call first reserves its unit from the
// metrics share of the project's day (youtube-budget.ts), so metrics never
// eat the units uploads need.
import { tryParseJson } from "../../lib/reply";
import { classifyYouTubeError, secondsUntilPacificMidnight, type GoogleErrorBody } from "../../publishing/youtube-errors";
import { PublishError } from "../../publishing/types";
import { InsightsError, type AccountReading, type InsightsClient, type InsightsContext, type PostReading, type PostRef } from "../types";
import { insightsErrorFrom, missingPermission } from "./errors";
import { metricValues, type ObjectReading } from "./graph-insights";
import { metricsFor, type Surface } from "./registry";
import { reserveMetricsUnits } from "./youtube-budget";

/** videos.list takes at most 50 ids (§8.3). */
export const VIDEOS_PER_CALL = 50;

type Statistics = Record<string, unknown>;
interface ListAnswer {
  items?: Array<{ id?: string; statistics?: Statistics }>;
}

/** The statistics part read through the registry: a key YouTube leaves out (likes hidden, comments off) is null with a note. */
function readStatistics(surface: Surface, statistics: Statistics): ObjectReading {
  const reading: ObjectReading = { values: {}, notes: [] };
  for (const def of metricsFor(surface, null)) {
    for (const [target, read] of Object.entries(def.yields)) {
      const value = read(statistics[def.name]);
      if (value === null) reading.notes.push(`${def.name}: not in YouTube's answer`);
      reading.values[target as keyof ObjectReading["values"]] = value;
    }
  }
  return reading;
}

/** One client call's connection: Bearer token, one refresh at most, a budget unit per request. */
class YouTubeSession {
  private token: string;
  private refreshed = false;

  constructor(private readonly ctx: InsightsContext) {
    this.token = ctx.account.accessToken;
  }

  async get<T>(resource: "videos" | "channels", query: Record<string, string>): Promise<T> {
    for (;;) {
      const now = this.ctx.now();
      if (!(await reserveMetricsUnits(this.ctx.env, 1, now))) {
        throw new InsightsError("retryable", "Today's YouTube quota share for metrics is spent; the rest is kept for uploads. Metrics resume after midnight Pacific Time.", {
          retryAfterSeconds: secondsUntilPacificMidnight(now) + 60,
          code: "metricsBudget",
        });
      }
      const url = `${this.ctx.config.youtubeApiBase}/${resource}?${new URLSearchParams(query)}`;
      let res: Response;
      let text: string;
      try {
        res = await this.ctx.fetch(url, { headers: { authorization: `Bearer ${this.token}`, accept: "application/json" } });
        text = await res.text();
      } catch (err) {
        const timedOut = (err as Error)?.name === "TimeoutError" || (err as Error)?.name === "AbortError";
        throw new InsightsError("retryable", timedOut ? "YouTube did not answer in time." : "The connection to YouTube failed.", { platformMessage: String((err as Error)?.message ?? err).slice(0, 200) });
      }
      const body = tryParseJson(text);
      if (res.ok && body && typeof body === "object") return body as T;
      const err = classifyYouTubeError({ status: res.ok ? 502 : res.status, body: (body as GoogleErrorBody) ?? null, retryAfter: res.headers.get("retry-after") }, "reading statistics", now);
      if (err.opts.tokenRejected && !this.refreshed) {
        this.refreshed = true;
        this.token = await this.ctx.refreshAccessToken();
        continue;
      }
      throw youTubeInsightsError(err);
    }
  }
}

/** 403 `forbidden` on a read is the channel's refusal to show it to this grant: the same "reconnect to see analytics" as insufficientPermissions. */
function youTubeInsightsError(err: PublishError): InsightsError {
  if (err.opts.code === "forbidden") return missingPermission("YouTube", { platformMessage: err.opts.platformMessage, httpStatus: err.opts.httpStatus, code: err.opts.code });
  return insightsErrorFrom(err, "YouTube");
}

export class YouTubeInsights implements InsightsClient {
  readonly platform = "youtube" as const;
  readonly batchSize = VIDEOS_PER_CALL;

  async posts(ctx: InsightsContext, posts: PostRef[]): Promise<PostReading[]> {
    const yt = new YouTubeSession(ctx);
    const out: PostReading[] = [];
    const ids = [...new Set(posts.map((p) => p.publishedId))];
    const found = new Map<string, Statistics>();
    for (let i = 0; i < ids.length; i += VIDEOS_PER_CALL) {
      const chunk = ids.slice(i, i + VIDEOS_PER_CALL);
      const answer = await yt.get<ListAnswer>("videos", { part: "statistics", id: chunk.join(",") });
      for (const item of answer.items ?? []) if (item.id) found.set(item.id, item.statistics ?? {});
    }
    for (const post of posts) {
      const statistics = found.get(post.publishedId);
      if (!statistics) {
        out.push({ deliveryId: post.deliveryId, values: metricValues({}), notes: ["YouTube did not return this video (deleted, or not visible to this channel's token)"] });
        continue;
      }
      const reading = readStatistics("youtube_video", statistics);
      out.push({ deliveryId: post.deliveryId, values: metricValues(reading.values), ...(reading.notes.length ? { notes: reading.notes } : {}) });
    }
    return out;
  }

  async account(ctx: InsightsContext): Promise<AccountReading> {
    const answer = await new YouTubeSession(ctx).get<ListAnswer>("channels", { part: "statistics", mine: "true" });
    const items = answer.items ?? [];
    const channel = items.find((c) => c.id === ctx.account.externalId) ?? items[0];
    if (!channel) throw new InsightsError("permanent", "YouTube returned no channel for this account's token.");
    const statistics = channel.statistics ?? {};
    if (statistics.hiddenSubscriberCount === true) return { followers: null, notes: ["subscriberCount: the channel hides its subscriber count"] };
    const reading = readStatistics("youtube_channel", statistics);
    return { followers: reading.values.followers ?? null, ...(reading.notes.length ? { notes: reading.notes } : {}) };
  }
}

export const youtubeInsights = new YouTubeInsights();
