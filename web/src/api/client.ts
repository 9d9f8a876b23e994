// The one typed API client (API.md). Every response type comes from the
// Worker's zod schemas via ./types. Errors become values: `ApiError` carries
// the server's code and words; `NetworkError` means the request never got an
// answer, which the shell turns into a retry banner.
import type {
  AcceptInvitationInput,
  AcceptResult,
  Account,
  AccountInput,
  AnalyticsPostsQuery,
  ApiErrorBody,
  AttentionStatus,
  AuthResult,
  AutomationSettingsInput,
  AutomationState,
  BestTimes,
  Brand,
  BrandAnalytics,
  BrandAnalyticsQuery,
  BrandCreateInput,
  BrandUpdateInput,
  Candidate,
  CalendarWindowResponse,
  DeliveryListItem,
  GridSlotRow,
  InvitationCreated,
  InvitationInput,
  InvitationPreview,
  Job,
  JobList,
  JobCreateInput,
  JobListQuery,
  LoginInput,
  Me,
  MemberList,
  NotificationList,
  Output,
  OutputUpdateInput,
  Platform,
  PostMetrics,
  Proposal,
  ProposalStatus,
  Run,
  RunKind,
  Schedule,
  ScheduleListQuery,
  Role,
  SignupInput,
  Webhook,
  WebhookAttempt,
  WebhookCreated,
  WebhookCreateInput,
  WebhookList,
  WebhookUpdateInput,
} from "./types";

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Field → message from zod issues (`details: [{path, message}]`), for errors shown next to inputs. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (Array.isArray(this.details)) {
      for (const issue of this.details as Array<{ path?: unknown; message?: unknown }>) {
        const path = Array.isArray(issue.path) ? issue.path.join(".") : String(issue.path ?? "");
        if (path && typeof issue.message === "string" && !(path in out)) out[path] = issue.message;
      }
    }
    return out;
  }
}

export class NetworkError extends Error {
  override readonly name = "NetworkError";
  constructor() {
    super("Can't reach the server. Check your connection; we'll keep trying.");
  }
}

export interface ClientHooks {
  /** Called with every 401 from an authenticated route: the session ended. */
  onUnauthenticated?: () => void;
  /** Called when a request got no answer at all, and again when one got through. */
  onConnectivity?: (online: boolean) => void;
}

type Query = Record<string, string | number | undefined | null>;

export function createClient(options: { baseUrl?: string; fetch?: typeof fetch; hooks?: ClientHooks } = {}) {
  const baseUrl = options.baseUrl ?? "";
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const hooks = options.hooks ?? {};
  let workspaceId: string | null = null;

  /** The request's URL: `path` with the query's non-empty values. */
  function urlOf(path: string, query?: Query): string {
    let url = baseUrl + path;
    if (query) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") qs.set(k, String(v));
      const s = qs.toString();
      if (s) url += `?${s}`;
    }
    return url;
  }

  /** Sends a request with the workspace header; an error status becomes an ApiError in the server's words. */
  async function send(method: string, path: string, body?: unknown, query?: Query, accept = "application/json"): Promise<Response> {
    const headers: Record<string, string> = { Accept: accept };
    // A file (a brand's logo or music) goes as the body itself, not as JSON.
    const raw = body instanceof Blob || body instanceof Uint8Array;
    if (body !== undefined) headers["Content-Type"] = raw ? "application/octet-stream" : "application/json";
    if (workspaceId) headers["X-Workspace"] = workspaceId;
    let res: Response;
    try {
      res = await doFetch(urlOf(path, query), {
        method,
        headers,
        body: body === undefined ? undefined : raw ? (body as BodyInit) : JSON.stringify(body),
        credentials: "same-origin",
      });
    } catch {
      hooks.onConnectivity?.(false);
      throw new NetworkError();
    }
    hooks.onConnectivity?.(true);
    if (res.ok) return res;
    let data: unknown = undefined;
    try {
      const text = await res.text();
      data = text ? JSON.parse(text) : undefined;
    } catch {
      // A proxy's HTML error page, for instance: fall through to a generic error.
    }
    const err = (data as ApiErrorBody | undefined)?.error;
    if (res.status === 401 && !path.startsWith("/api/auth/")) hooks.onUnauthenticated?.();
    throw new ApiError(
      res.status,
      err?.code ?? "http_" + res.status,
      err?.message ?? (res.status >= 500 ? "The server had a problem. Try again in a moment." : `Request failed (${res.status}).`),
      err?.details,
    );
  }

  async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const res = await send(method, path, body, query);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      return undefined as T;
    }
  }

  /** A file the API serves (CSV), fetched with the workspace header, and the name its Content-Disposition gives. */
  async function file(path: string, query: Query, fallbackName: string): Promise<{ blob: Blob; filename: string }> {
    const res = await send("GET", path, undefined, query, "*/*");
    const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1];
    return { blob: await res.blob(), filename: name ?? fallbackName };
  }

  const get = <T>(path: string, query?: Query) => request<T>("GET", path, undefined, query);
  const post = <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {});
  const patch = <T>(path: string, body: unknown) => request<T>("PATCH", path, body);
  const put = <T>(path: string, body: unknown) => request<T>("PUT", path, body);
  const del = (path: string) => request<void>("DELETE", path);
  const e = encodeURIComponent;

  return {
    setWorkspace(id: string | null) {
      workspaceId = id;
    },
    get workspace() {
      return workspaceId;
    },

    health: () => get<{ ok: true; version: string }>("/api/health"),
    signup: (input: SignupInput) => post<AuthResult>("/api/auth/signup", input),
    login: (input: LoginInput) => post<AuthResult>("/api/auth/login", input),
    logout: () => post<void>("/api/auth/logout"),
    me: () => get<Me>("/api/me"),
    previewInvitation: (token: string) => post<InvitationPreview>("/api/auth/invitation", { token }),
    acceptInvitation: (input: AcceptInvitationInput) => post<AcceptResult>("/api/auth/accept-invitation", input),

    listMembers: () => get<MemberList>("/api/members"),
    invite: (input: InvitationInput) => post<InvitationCreated>("/api/members/invitations", input),
    revokeInvitation: (id: string) => del(`/api/members/invitations/${e(id)}`),
    changeRole: (userId: string, role: Role) => patch<void>(`/api/members/${e(userId)}`, { role }),
    removeMember: (userId: string) => del(`/api/members/${e(userId)}`),

    listBrands: () => get<{ brands: Brand[] }>("/api/brands"),
    createBrand: (input: BrandCreateInput) => post<Brand>("/api/brands", input),
    updateBrand: (id: string, input: BrandUpdateInput) => patch<Brand>(`/api/brands/${e(id)}`, input),
    deleteBrand: (id: string) => del(`/api/brands/${e(id)}`),
    connectAccount: (brandId: string, platform: Platform, input: AccountInput) =>
      put<unknown>(`/api/brands/${e(brandId)}/accounts/${platform}`, input),
    disconnectAccount: (brandId: string, platform: Platform) => del(`/api/brands/${e(brandId)}/accounts/${platform}`),
    startConnect: (brandId: string, platform: Platform, via?: "facebook" | "instagram") =>
      post<{ authorizeUrl: string }>(`/api/brands/${e(brandId)}/accounts/${platform}/connect`, via ? { via } : {}),
    accountCandidates: (brandId: string, platform: Platform) =>
      get<{ candidates: Candidate[] }>(`/api/brands/${e(brandId)}/accounts/${platform}/candidates`),
    selectCandidate: (brandId: string, platform: Platform, externalId: string) =>
      post<Account>(`/api/brands/${e(brandId)}/accounts/${platform}/select`, { externalId }),
    /** PUT the file itself (API.md brand assets): a logo (PNG/JPEG) or music (AAC-LC, ≤ 48 kHz, ≤ 2 channels). */
    uploadBrandAsset: (brandId: string, kind: "logo" | "music", file: Blob | Uint8Array) =>
      put<{ kind: string; key: string; bytes: number; contentType: string; url: string }>(`/api/brands/${e(brandId)}/assets/${kind}`, file),
    removeBrandAsset: (brandId: string, kind: "logo" | "music") => del(`/api/brands/${e(brandId)}/assets/${kind}`),
    brandSlots: (brandId: string, from: string, to: string) =>
      get<{ slots: GridSlotRow[] }>(`/api/brands/${e(brandId)}/slots`, { from, to }),

    createJob: (input: JobCreateInput) => post<Job>("/api/jobs", input),
    listJobs: (query: JobListQuery = {}) => get<JobList>("/api/jobs", query as Query),
    getJob: (jobId: string) => get<Job>(`/api/jobs/${e(jobId)}`),
    scheduleOutput: (jobId: string, brandId: string, at?: string) =>
      post<Schedule>(`/api/jobs/${e(jobId)}/outputs/${e(brandId)}/schedule`, at ? { at } : {}),
    scheduleAll: (jobId: string) => post<{ schedules: Schedule[] }>(`/api/jobs/${e(jobId)}/schedule-all`),
    updateOutput: (jobId: string, brandId: string, input: OutputUpdateInput) =>
      patch<Output>(`/api/jobs/${e(jobId)}/outputs/${e(brandId)}`, input),
    retryJob: (jobId: string) => post<Job>(`/api/jobs/${e(jobId)}/retry`),

    listSchedules: (query: ScheduleListQuery) => get<{ schedules: Schedule[] }>("/api/schedules", query as Query),
    /** The slim window the calendar draws (`view=calendar`); the side panel loads the full Schedule by id. */
    calendarWindow: (query: { from: string; to: string }) => get<CalendarWindowResponse>("/api/schedules", { ...query, view: "calendar" }),
    getSchedule: (id: string) => get<Schedule>(`/api/schedules/${e(id)}`),
    moveSchedule: (id: string, scheduledAt: string) => patch<Schedule>(`/api/schedules/${e(id)}`, { scheduledAt }),
    unschedule: (id: string) => del(`/api/schedules/${e(id)}`),
    retrySchedule: (id: string) => post<Schedule>(`/api/schedules/${e(id)}/retry`),
    publishNow: (id: string) => post<Schedule>(`/api/schedules/${e(id)}/publish-now`),
    listDeliveries: (query: { status: AttentionStatus; brand?: string; from?: string; to?: string }) =>
      get<{ deliveries: DeliveryListItem[] }>("/api/deliveries", query as Query),

    automation: () => get<AutomationState>("/api/automation"),
    pauseAutomation: () => post<unknown>("/api/automation/pause"),
    resumeAutomation: () => post<unknown>("/api/automation/resume"),
    updateAutomation: (input: AutomationSettingsInput) => patch<unknown>("/api/automation", input),
    runPass: (pass: RunKind) => post<Run>("/api/automation/run", { pass }),
    listProposals: (query: { status?: ProposalStatus; brand?: string } = {}) => get<{ proposals: Proposal[] }>("/api/proposals", query as Query),
    acceptProposal: (id: string) => post<{ proposal: Proposal; job: Job }>(`/api/proposals/${e(id)}/accept`),
    rejectProposal: (id: string, reason?: string) => post<{ proposal: Proposal }>(`/api/proposals/${e(id)}/reject`, reason ? { reason } : {}),

    analyticsPosts: (query: AnalyticsPostsQuery) => get<{ posts: PostMetrics[] }>("/api/analytics/posts", query as Query),
    /** GET /api/analytics/posts.csv's address for these filters (what the export link shows and scripts can call). */
    postsCsvUrl: (query: AnalyticsPostsQuery) => urlOf("/api/analytics/posts.csv", query as Query),
    postsCsv: (query: AnalyticsPostsQuery) => file("/api/analytics/posts.csv", query as Query, "brandcast-posts.csv"),
    brandAnalytics: (brandId: string, query: BrandAnalyticsQuery) => get<BrandAnalytics>(`/api/analytics/brands/${e(brandId)}`, query as Query),
    bestTimes: (brandId: string) => get<BestTimes>(`/api/analytics/brands/${e(brandId)}/best-times`),
    listNotifications: (query: { unread?: boolean; limit?: number } = {}) =>
      get<NotificationList>("/api/notifications", { unread: query.unread ? "true" : undefined, limit: query.limit }),
    markNotificationsRead: (body: { ids: string[] } | { all: true }) => post<void>("/api/notifications/read", body),
    listWebhooks: () => get<WebhookList>("/api/webhooks"),
    createWebhook: (input: WebhookCreateInput) => post<WebhookCreated>("/api/webhooks", input),
    updateWebhook: (id: string, input: WebhookUpdateInput) => patch<Webhook>(`/api/webhooks/${e(id)}`, input),
    deleteWebhook: (id: string) => del(`/api/webhooks/${e(id)}`),
    rotateWebhookSecret: (id: string) => post<{ secret: string }>(`/api/webhooks/${e(id)}/rotate-secret`),
    testWebhook: (id: string) => post<{ eventId: string }>(`/api/webhooks/${e(id)}/test`),
    webhookAttempts: (id: string, limit = 20) => get<{ attempts: WebhookAttempt[] }>(`/api/webhooks/${e(id)}/attempts`, { limit }),
  };
}

export type Api = ReturnType<typeof createClient>;
