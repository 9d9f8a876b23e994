// The shell: signed out shows sign-in; losing the network shows a retry
// banner over the page (never a blank page), and the app recovers by itself.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../../web/src/App";
import { createAppState } from "../../web/src/state/app";
import { flush } from "./fixtures";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
let root: HTMLElement | undefined;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
});

async function mount(fetch: typeof globalThis.fetch) {
  root = document.createElement("div");
  document.body.appendChild(root);
  const app = createAppState({ fetch });
  await act(() => {
    render(<App app={app} />, root!);
  });
  for (let i = 0; i < 5; i++) await act(async () => void (await flush()));
  return app;
}

describe("app shell", () => {
  it("shows sign-in when there is no session", async () => {
    await mount(async () => json(401, { error: { code: "unauthenticated", message: "Sign in to continue." } }));
    expect(root!.querySelector("h1")!.textContent).toBe("Sign in");
    expect(root!.querySelector("label[for=si-email]")!.textContent).toBe("Email");
  });

  it("shows a retry banner when the server can't be reached, and recovers on retry", async () => {
    let online = false;
    const app = await mount(async () => {
      if (!online) throw new TypeError("Failed to fetch");
      return json(401, { error: { code: "unauthenticated", message: "Sign in to continue." } });
    });
    const banner = root!.querySelector(".net-banner");
    expect(banner?.textContent).toContain("Can't reach Brandcast");
    online = true;
    await act(async () => {
      await app.network.retryNow();
    });
    for (let i = 0; i < 5; i++) await act(async () => void (await flush()));
    expect(root!.querySelector(".net-banner")).toBeNull();
    expect(root!.querySelector("h1")!.textContent).toBe("Sign in");
  });
});
