// The API client: errors in the server's words, field errors for forms,
// network loss reported (for the retry banner), the workspace header.
import { describe, expect, it, vi } from "vitest";
import { ApiError, createClient, NetworkError } from "../../web/src/api/client";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("API client", () => {
  it("turns the error envelope into an ApiError with code, message and field errors", async () => {
    const fetch = vi.fn(async () =>
      json(400, { error: { code: "invalid_input", message: "slug: Use lowercase letters.", details: [{ path: "slug", message: "Use lowercase letters." }] } }),
    );
    const api = createClient({ fetch });
    const err = await api.createBrand({ slug: "Bad Slug", name: "x" }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.message).toBe("slug: Use lowercase letters.");
    expect(err.fieldErrors()).toEqual({ slug: "Use lowercase letters." });
  });

  it("reports network loss and recovery to the shell", async () => {
    const onConnectivity = vi.fn();
    let fail = true;
    const api = createClient({
      fetch: async () => {
        if (fail) throw new TypeError("Failed to fetch");
        return json(200, { ok: true, version: "x" });
      },
      hooks: { onConnectivity },
    });
    await expect(api.health()).rejects.toBeInstanceOf(NetworkError);
    expect(onConnectivity).toHaveBeenLastCalledWith(false);
    fail = false;
    await api.health();
    expect(onConnectivity).toHaveBeenLastCalledWith(true);
  });

  it("sends X-Workspace once chosen, JSON bodies, and query strings without empty values", async () => {
    const fetch = vi.fn(async (..._args: unknown[]) => json(200, { jobs: [], nextCursor: null }));
    const api = createClient({ fetch: fetch as unknown as typeof globalThis.fetch });
    api.setWorkspace("wsp_2");
    await api.listJobs({ category: "scheduled", brand: undefined, limit: 100 });
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe("/api/jobs?category=scheduled&limit=100");
    expect((init.headers as Record<string, string>)["X-Workspace"]).toBe("wsp_2");
  });

  it("calls onUnauthenticated on a 401 from an app route, not from sign-in", async () => {
    const onUnauthenticated = vi.fn();
    const api = createClient({ fetch: async () => json(401, { error: { code: "unauthenticated", message: "Sign in to continue." } }), hooks: { onUnauthenticated } });
    await api.login({ email: "a@b.c", password: "x" }).catch(() => {});
    expect(onUnauthenticated).not.toHaveBeenCalled();
    await api.me().catch(() => {});
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });
});
