// Reading metrics from the Graph API (PLATFORMS.md §0, §8.1, §8.2), shared by
// the Instagram and Facebook insights clients: one session per client call
// (the publishing Graph transport, one token refresh at most, the usage
// headers watched), and one reader that asks for a post's metrics in as few
// calls as the registry allows and survives the refusals that concern one
// metric or one post.
import { Graph, usageBackoffSeconds, type GraphPlatform } from "../../publishing/graph";
import { PublishError } from "../../publishing/types";
import { InsightsError, METRIC_NAMES, type AccountReading, type InsightsClient, type InsightsContext, type MetricValues, type PostReading, type PostRef } from "../types";
import { graphPostRefusal, insightsErrorFrom, type PostRefusal } from "./errors";
import { fieldKey, metricsFor, type MetricDef, type Surface, type Target } from "./registry";

/**
 * One client call's Graph connection. A refused token (190) is refreshed once
 * and the request asked again; a second refusal is `reconnect`. A successful
 * answer whose usage headers say the app, Page or business use case is at its
 * limit lets this call finish what it has but refuses the next request with
 * `retryable` and the advertised wait, so the sampler defers instead of
 * spending the rest of the window.
 */
export class GraphSession {
  private graph: Graph;
  private refreshed = false;
  private throttledFor: number | undefined;

  constructor(
    private readonly ctx: InsightsContext,
    private readonly base: string,
    readonly platform: GraphPlatform,
  ) {
    this.graph = this.connect(ctx.account.accessToken);
  }

  get version(): string {
    return this.ctx.config.graphVersion;
  }

  private connect(token: string): Graph {
    const watched: typeof fetch = async (input, init) => {
      const res = await this.ctx.fetch(input, init);
      const wait = res.ok ? usageBackoffSeconds(res.headers) : undefined;
      if (wait !== undefined) this.throttledFor = Math.max(this.throttledFor ?? 0, wait);
      return res;
    };
    return new Graph({ fetch: watched, now: this.ctx.now, config: this.ctx.config }, this.base, token, this.platform);
  }

  /** GET `/{version}/{path}`; a failure is the publishing classification (PublishError), for the caller to read per post or per call. */
  async get<T>(path: string, query: Record<string, string>): Promise<T> {
    if (this.throttledFor !== undefined) {
      throw new InsightsError("retryable", `${this.platform}'s usage headers say this app is at its rate limit; metrics wait.`, { retryAfterSeconds: this.throttledFor });
    }
    for (;;) {
      try {
        return await this.graph.get<T>(path, query);
      } catch (err) {
        if (!(err instanceof PublishError && err.opts.tokenRejected)) throw err;
        if (this.refreshed) throw insightsErrorFrom(err, this.platform);
        this.refreshed = true;
        this.graph = this.connect(await this.ctx.refreshAccessToken());
      }
    }
  }
}

/** Graph's insights answer: `{"data":[{"name","period","values":[{"value"}]}]}`, or `total_value` for `metric_type=total_value`. */
interface InsightsAnswer {
  data?: Array<{ name?: string; values?: Array<{ value?: unknown }>; total_value?: { value?: unknown } }>;
}

/** What one object's metrics came to. */
export interface ObjectReading {
  values: Partial<Record<Target, number | null>>;
  notes: string[];
  /** Set when the insights edge refused the whole object (not one metric). */
  refusal?: Extract<PostRefusal, { kind: "no_insights" | "unavailable" }>;
}

/** The answer of one request: raw value per requested name (absent names are missing). */
type Answers = Map<string, unknown>;

class ObjectRefused extends Error {
  constructor(readonly refusal: NonNullable<ObjectReading["refusal"]>) {
    super(refusal.why);
  }
}

/**
 * Reads `defs` of one object. Metrics of one insights edge go in one request,
 * fields in another. A code 100 that blames one metric drops it, remembers it
 * in `refused` (for the rest of the client call) and asks again for the
 * others; one that blames none is narrowed down by halves. A metric missing
 * from the answer is null with a note. Whole-call failures throw InsightsError.
 */
export async function readObject(session: GraphSession, objectId: string, defs: readonly MetricDef[], refused: Set<string>): Promise<ObjectReading> {
  const reading: ObjectReading = { values: {}, notes: [] };
  const groups = new Map<string, MetricDef[]>();
  for (const def of defs) {
    const key = def.request.kind === "edge" ? def.request.edge : "";
    groups.set(key, [...(groups.get(key) ?? []), def]);
  }
  for (const [edge, group] of groups) {
    const skipped = group.filter((d) => refused.has(d.name));
    for (const d of skipped) reading.notes.push(`${d.name}: not asked, ${session.platform} refused it earlier in this call`);
    const asked = group.filter((d) => !refused.has(d.name));
    let answers: Answers;
    try {
      answers = await ask(session, objectId, edge, asked.map((d) => d.name), refused, reading.notes);
    } catch (err) {
      if (!(err instanceof ObjectRefused)) throw err;
      reading.refusal ??= err.refusal;
      reading.notes.push(`${edge || "fields"}: ${err.refusal.why}`);
      continue;
    }
    for (const def of asked) {
      const present = answers.has(def.name);
      if (!present && def.request.kind === "edge") {
        if (!refused.has(def.name)) reading.notes.push(`${def.name}: not in ${session.platform}'s answer`);
        continue;
      }
      if (!present) continue;
      for (const [target, read] of Object.entries(def.yields) as Array<[Target, (v: unknown) => number | null]>) {
        const value = read(answers.get(def.name));
        if (value === null) reading.notes.push(`${def.name}: no number in ${session.platform}'s answer`);
        // The first metric that gives a target wins (registry order: followers_count before fan_count).
        if (reading.values[target] == null) reading.values[target] = value;
      }
    }
  }
  return reading;
}

async function ask(session: GraphSession, objectId: string, edge: string, names: string[], refused: Set<string>, notes: string[]): Promise<Answers> {
  if (names.length === 0) return new Map();
  try {
    if (edge) {
      const body = await session.get<InsightsAnswer>(`${objectId}/${edge}`, { metric: names.join(",") });
      const out: Answers = new Map();
      for (const entry of body.data ?? []) {
        if (entry.name && names.includes(entry.name)) out.set(entry.name, entry.values?.[0]?.value ?? entry.total_value?.value);
      }
      return out;
    }
    const body = await session.get<Record<string, unknown>>(objectId, { fields: names.join(",") });
    // Graph leaves a field with nothing in it out of the answer (shares on an unshared post): the reader decides what absent means.
    return new Map(names.map((n) => [n, body[fieldKey(n)]]));
  } catch (err) {
    if (!(err instanceof PublishError)) throw err;
    const refusal = graphPostRefusal(err, names);
    if (!refusal) throw insightsErrorFrom(err, session.platform);
    if (refusal.kind === "no_insights" || refusal.kind === "unavailable") throw new ObjectRefused(refusal);
    if (refusal.kind === "metric" || names.length === 1) {
      const name = refusal.kind === "metric" ? refusal.name : names[0]!;
      refused.add(name);
      notes.push(`${name}: ${session.platform} refused it (code 100: ${(err.opts.platformMessage ?? "").slice(0, 160)})`);
      return ask(session, objectId, edge, names.filter((n) => n !== name), refused, notes);
    }
    // Code 100 about a metric that it does not name: ask each half on its own until the culprit is alone.
    const half = Math.ceil(names.length / 2);
    const first = await ask(session, objectId, edge, names.slice(0, half), refused, notes);
    const second = await ask(session, objectId, edge, names.slice(half), refused, notes);
    return new Map([...first, ...second]);
  }
}

/** MetricValues with every metric null, then the reading's numbers. */
export function metricValues(values: ObjectReading["values"]): MetricValues {
  return Object.fromEntries(METRIC_NAMES.map((m) => [m, values[m] ?? null])) as MetricValues;
}

/**
 * One post's reading: its primary metrics, and when its insights were refused
 * as a whole (too few viewers) its public counts from `fallback`, which need
 * no insights.
 */
export async function readPost(session: GraphSession, deliveryId: string, objectId: string, defs: readonly MetricDef[], fallback: readonly MetricDef[], refused: Set<string>): Promise<PostReading> {
  const reading = await readObject(session, objectId, defs, refused);
  if (reading.refusal?.kind === "no_insights" && fallback.length) {
    const extra = await readObject(session, objectId, fallback, refused);
    for (const [target, value] of Object.entries(extra.values)) reading.values[target as Target] ??= value;
    reading.notes.push(...extra.notes);
  }
  return { deliveryId, values: metricValues(reading.values), ...(reading.notes.length ? { notes: reading.notes } : {}) };
}

/** What tells one Graph platform's insights client from the other. */
export interface GraphInsightsSpec {
  platform: "instagram" | "facebook";
  session(ctx: InsightsContext): GraphSession;
  /** Where a post's metrics are read (a Facebook reel has video_insights, a post /insights). */
  postSurface(post: PostRef): Surface;
  accountSurface: Surface;
}

/**
 * An insights client over the Graph API: each post its own request(s), read
 * through the registry at the configured version. Metrics refused in one call
 * are remembered per surface and content type (a metric one media type lacks
 * may exist for another) and not asked again in that call.
 */
export class GraphInsightsClient implements InsightsClient {
  readonly platform: "instagram" | "facebook";
  readonly batchSize = 1;

  constructor(private readonly spec: GraphInsightsSpec) {
    this.platform = spec.platform;
  }

  async posts(ctx: InsightsContext, posts: PostRef[]): Promise<PostReading[]> {
    const graph = this.spec.session(ctx);
    const refused = new Map<string, Set<string>>();
    const out: PostReading[] = [];
    for (const post of posts) {
      const surface = this.spec.postSurface(post);
      const sel = { contentType: post.contentType };
      const key = `${surface}:${post.contentType}`;
      if (!refused.has(key)) refused.set(key, new Set());
      const defs = metricsFor(surface, graph.version, sel);
      const fallback = metricsFor(surface, graph.version, { ...sel, fallback: true });
      out.push(await readPost(graph, post.deliveryId, post.publishedId, defs, fallback, refused.get(key)!));
    }
    return out;
  }

  /** The account's followers. A refused object (100/33: the account is gone or the token may no longer read it) is permanent. */
  async account(ctx: InsightsContext): Promise<AccountReading> {
    const graph = this.spec.session(ctx);
    const reading = await readObject(graph, ctx.account.externalId, metricsFor(this.spec.accountSurface, graph.version), new Set());
    if (reading.refusal) throw new InsightsError("permanent", `${graph.platform} would not read the account: ${reading.refusal.why}.`);
    return { followers: reading.values.followers ?? null, ...(reading.notes.length ? { notes: reading.notes } : {}) };
  }
}
