// The bell and the Webhooks page (issue 18 items 2, 7): the unread count,
// items that link to what they are about and are marked read when opened,
// mark all read; endpoints with their events, a secret shown once, send test,
// attempts with their answers, email on or off.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Notification, Webhook, WebhookAttempt } from "../../web/src/api/types";
import { NotificationBell } from "../../web/src/components/NotificationBell";
import { WebhooksPage } from "../../web/src/pages/WebhooksPage";
import type { AppState } from "../../web/src/state/app";
import { createNotifications } from "../../web/src/state/notifications";
import { createRouter } from "../../web/src/state/router";
import { createWebhooks } from "../../web/src/state/webhooks";
import { fakeApi, flush } from "./fixtures";

let root: HTMLElement | undefined;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
});

async function mount(node: preact.ComponentChild) {
  root = document.createElement("div");
  document.body.appendChild(root);
  await act(() => render(node, root!));
  for (let i = 0; i < 4; i++) await act(async () => void (await flush()));
}
const settle = async () => {
  for (let i = 0; i < 4; i++) await act(async () => void (await flush()));
};
const click = async (el: Element | null) => {
  expect(el).not.toBeNull();
  await act(() => (el as HTMLElement).click());
  await settle();
};

const note = (over: Partial<Notification>): Notification => ({
  id: `evt_${Math.random().toString(16).slice(2)}`,
  type: "delivery.failed",
  title: "“Five breakfasts” failed on Instagram",
  body: "Calm Kitchen: The video is too long.",
  link: "/calendar?item=sch_1",
  createdAt: new Date(Date.now() - 60_000).toISOString(),
  readAt: null,
  ...over,
});

describe("notification bell", () => {
  it("shows the unread count; an opened item is marked read for this person; mark all read clears the count", async () => {
    const items = [note({}), note({ type: "account.needs_reconnect", title: "Reconnect Calm Kitchen's YouTube account", link: "/brands/brd_1" }), note({ readAt: new Date().toISOString(), title: "Old news" })];
    const markNotificationsRead = vi.fn(async () => undefined);
    const api = fakeApi({ listNotifications: vi.fn(async () => ({ notifications: items, unread: 2 })), markNotificationsRead });
    const notifications = createNotifications(api);
    await notifications.load();
    const router = createRouter(window);
    await mount(<NotificationBell app={{ notifications, router } as unknown as Pick<AppState, "notifications" | "router">} />);

    const bell = root!.querySelector<HTMLButtonElement>("[data-testid=bell]")!;
    expect(bell.textContent).toContain("2");
    expect(bell.querySelector(".sr-only")!.textContent).toBe("Notifications, 2 unread");
    expect(bell.getAttribute("aria-expanded")).toBe("false");
    await click(bell);
    expect(bell.getAttribute("aria-expanded")).toBe("true");
    const links = [...root!.querySelectorAll<HTMLAnchorElement>(".bell-list a")];
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["/calendar?item=sch_1", "/brands/brd_1", "/calendar?item=sch_1"]);
    expect(root!.querySelectorAll(".bell-list li.is-unread")).toHaveLength(2);

    // Opening the first item marks it read (the link itself navigates).
    links[0]!.addEventListener("click", (e) => e.preventDefault());
    await click(links[0]!);
    expect(markNotificationsRead).toHaveBeenCalledWith({ ids: [items[0]!.id] });
    expect(notifications.unread.value).toBe(1);
    expect(root!.querySelectorAll(".bell-list li.is-unread")).toHaveLength(1);

    await click([...root!.querySelectorAll("button")].find((b) => b.textContent === "Mark all read")!);
    expect(markNotificationsRead).toHaveBeenLastCalledWith({ all: true });
    expect(notifications.unread.value).toBe(0);
    expect(root!.querySelector("[data-testid=bell] .nav-count")).toBeNull();
  });

  it("puts an item back when marking it read fails, with the server's words", async () => {
    const items = [note({})];
    const api = fakeApi({
      listNotifications: vi.fn(async () => ({ notifications: items, unread: 1 })),
      markNotificationsRead: vi.fn(async () => Promise.reject(Object.assign(new Error("offline"), { name: "NetworkError" }))),
    });
    const m = createNotifications(api);
    await m.load();
    await m.markRead(items[0]!.id);
    expect(m.unread.value).toBe(1);
    expect(m.items.value![0]!.readAt).toBeNull();
    expect(m.error.value).toBeTruthy();
  });

  it("Escape closes the panel and gives focus back to the bell", async () => {
    const api = fakeApi({ listNotifications: vi.fn(async () => ({ notifications: [], unread: 0 })) });
    const notifications = createNotifications(api);
    await mount(<NotificationBell app={{ notifications, router: createRouter(window) } as unknown as Pick<AppState, "notifications" | "router">} />);
    const bell = root!.querySelector<HTMLButtonElement>("[data-testid=bell]")!;
    await click(bell);
    expect(root!.querySelector(".bell-empty")!.textContent).toMatch(/Nothing yet/);
    await act(() => void root!.querySelector(".bell-foot a")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true })));
    await settle();
    expect(root!.querySelector<HTMLElement>("#bell-panel")!.hidden).toBe(true);
    expect(document.activeElement).toBe(bell);
  });
});

const hook = (over: Partial<Webhook> = {}): Webhook => ({
  id: "whk_1",
  url: "https://hooks.example.com/in",
  events: ["delivery.failed", "account.needs_reconnect"],
  format: "standard",
  description: "Ops",
  enabled: true,
  createdAt: "2026-11-20T10:00:00.000Z",
  lastSuccessAt: null,
  lastFailureAt: "2026-11-20T11:00:00.000Z",
  disabledReason: null,
  ...over,
});

function pageApp(api: ReturnType<typeof fakeApi>, role: "owner" | "editor" = "owner") {
  const webhooks = createWebhooks(api, (fn) => fn());
  const session = { isOwner: { value: role === "owner" }, canEdit: { value: true } };
  return { webhooks, session } as unknown as AppState;
}

describe("Webhooks page", () => {
  it("lists endpoints with their events and says email is off; an owner adds one and sees its secret once", async () => {
    const made = { ...hook({ id: "whk_2", url: "https://new.example.com/hook", events: ["delivery.failed"] }), secret: "whsec_c2VjcmV0LXNob3duLW9uY2UtMzItYnl0ZXMtbG9uZyE=" };
    const createWebhook = vi.fn(async () => made);
    const api = fakeApi({ listWebhooks: vi.fn(async () => ({ webhooks: [hook()], email: { enabled: false } })), createWebhook });
    await mount(<WebhooksPage app={pageApp(api)} />);
    expect(root!.querySelector("h1")!.textContent).toBe("Webhooks");
    expect(root!.querySelector("[data-testid=email-status]")!.textContent).toMatch(/Email is off/);
    const card = root!.querySelector("[data-webhook=whk_1]")!;
    expect(card.querySelector(".hook-url")!.textContent).toBe("https://hooks.example.com/in");
    expect([...card.querySelectorAll(".event-chip")].map((c) => c.getAttribute("title"))).toEqual(["delivery.failed", "account.needs_reconnect"]);

    const url = root!.querySelector<HTMLInputElement>("#hook-url")!;
    await act(() => {
      url.value = "https://new.example.com/hook";
      url.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await act(() => void root!.querySelector<HTMLFormElement>(".new-hook form")!.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true })));
    await settle();
    expect(createWebhook).toHaveBeenCalledWith(expect.objectContaining({ url: "https://new.example.com/hook", format: "standard" }));
    const reveal = root!.querySelector("[data-testid=secret-reveal]")!;
    expect(reveal.querySelector<HTMLInputElement>("#secret-value")!.value).toBe(made.secret);
    expect(reveal.textContent).toMatch(/shown this once/);
    await click([...reveal.querySelectorAll("button")].find((b) => b.textContent === "I have copied it")!);
    expect(root!.querySelector("[data-testid=secret-reveal]")).toBeNull();
    expect(root!.textContent).not.toContain(made.secret);
    expect(root!.querySelector("[data-webhook=whk_2]")).not.toBeNull();
  });

  it("send test, then the attempts with the endpoint's answers", async () => {
    const attempts: WebhookAttempt[] = [
      { eventId: "evt_2", type: "ping", attempt: 1, at: "2026-11-20T12:00:00.000Z", responseStatus: 404, durationMs: 84, error: "The endpoint answered 404; only a 2xx answer counts as received.", response: "no such hook" },
    ];
    const testWebhook = vi.fn(async () => ({ eventId: "evt_2" }));
    const api = fakeApi({
      listWebhooks: vi.fn(async () => ({ webhooks: [hook()], email: { enabled: true } })),
      testWebhook,
      webhookAttempts: vi.fn(async () => ({ attempts })),
    });
    await mount(<WebhooksPage app={pageApp(api)} />);
    expect(root!.querySelector("[data-testid=email-status]")!.textContent).toMatch(/Email is on/);
    await click([...root!.querySelectorAll("button")].find((b) => b.textContent === "Send test")!);
    expect(testWebhook).toHaveBeenCalledWith("whk_1");
    expect(root!.textContent).toContain("Test event sent");
    const row = root!.querySelector(".attempt")!;
    expect(row.textContent).toContain("404");
    expect(row.querySelector(".attempt-error")!.textContent).toMatch(/answered 404/);
    expect(row.querySelector(".attempt-response")!.textContent).toBe("no such hook");
  });

  it("shows a disabled endpoint's reason; members who are not owners get no buttons", async () => {
    const api = fakeApi({
      listWebhooks: vi.fn(async () => ({ webhooks: [hook({ url: "https://hooks.example.com/…", enabled: false, disabledReason: "Every delivery failed for 3 days in a row." })], email: { enabled: false } })),
    });
    await mount(<WebhooksPage app={pageApp(api, "editor")} />);
    expect(root!.querySelector(".hook-disabled")!.textContent).toMatch(/3 days/);
    expect([...root!.querySelectorAll("button")].map((b) => b.textContent)).toEqual(["Show recent attempts"]);
    expect(root!.textContent).toContain("Only owners");
    expect(root!.querySelector("#hook-url")).toBeNull();
  });
});
