// The shell: the header (components/Topbar.tsx: navigation, workspace
// switcher, sign-out), the network banner, the routed page. An invitation
// link (/invite/<token>) opens its accept page whether or not anyone is signed in.
import type { ComponentChildren } from "preact";
import { useEffect, useErrorBoundary, useState } from "preact/hooks";
import { lazyComponent } from "./components/lazy";
import { ReconnectBanner } from "./components/ReconnectBanner";
import { Alert, Spinner } from "./components/ui";
import type { AppState } from "./state/app";
import { AppContext } from "./state/app";
import { matchRoute } from "./state/router";
import { AttentionPage } from "./pages/AttentionPage";
import { AutomationPage } from "./pages/AutomationPage";
import { BrandsPage } from "./pages/BrandsPage";
import { CalendarPage } from "./pages/CalendarPage";
import { JobDetailPage } from "./pages/JobDetailPage";
import { JobsPage } from "./pages/JobsPage";
import { AcceptInvitePage } from "./pages/AcceptInvitePage";
import { MembersPage } from "./pages/MembersPage";
import { SignInPage } from "./pages/SignInPage";
import { WebhooksPage } from "./pages/WebhooksPage";
import { Topbar } from "./components/Topbar";

/** Analytics draws charts: its code is a chunk of its own, fetched when first opened (web/chunk-budget.ts). */
const AnalyticsPage = lazyComponent<{ app: AppState }>(() => import("./pages/AnalyticsPage").then((m) => m.AnalyticsPage), "the Analytics page");

export function App({ app }: { app: AppState }) {
  const { session, router, network } = app;
  const [bootError, setBootError] = useState<string | null>(null);
  useEffect(() => {
    const boot = () =>
      session.refresh().then(
        () => setBootError(null),
        (err: Error) => setBootError(err.message),
      );
    void boot();
    // Started offline: try again as soon as the server answers.
    return network.onReconnect(() => session.me.peek() === undefined && void boot());
  }, []);
  const me = session.me.value;
  const route = matchRoute(router.path.value);

  useEffect(() => {
    if (me && route.name === "signin") router.navigate("/calendar", { replace: true });
  }, [me, route.name]);

  // The navigation's "Needs attention" count and the bell's: loaded on sign-in and kept fresh while the tab is visible.
  const workspaceId = me ? me.currentWorkspaceId : null;
  useEffect(() => {
    if (!workspaceId) return;
    void app.attention.load();
    void app.notifications.load();
    const t = setInterval(() => {
      if (document.visibilityState !== "visible") return;
      void app.attention.load();
      void app.notifications.load();
    }, 60_000);
    return () => clearInterval(t);
  }, [workspaceId]);

  let body;
  if (me === undefined) {
    body = network.offline.value ? null : bootError ? <Alert>{bootError}</Alert> : <Spinner />;
  } else if (route.name === "invite") {
    body = <AcceptInvitePage app={app} token={route.token} />;
  } else if (me === null) {
    body = <SignInPage session={session} />;
  } else {
    const page =
      route.name === "calendar" || route.name === "signin" ? (
        <CalendarPage app={app} item={new URLSearchParams(router.search.value).get("item")} />
      ) : route.name === "jobs" ? (
        <JobsPage app={app} />
      ) : route.name === "job" ? (
        <JobDetailPage app={app} jobId={route.jobId} />
      ) : route.name === "brands" ? (
        <BrandsPage app={app} brandId={route.brandId} />
      ) : route.name === "automation" ? (
        <AutomationPage app={app} />
      ) : route.name === "attention" ? (
        <AttentionPage app={app} />
      ) : route.name === "members" ? (
        <MembersPage app={app} />
      ) : route.name === "analytics" ? (
        <AnalyticsPage app={app} />
      ) : route.name === "webhooks" ? (
        <WebhooksPage app={app} />
      ) : (
        <div class="page">
          <h1>Page not found</h1>
          <p>
            <a href="/calendar">Go to the calendar</a>
          </p>
        </div>
      );
    body = (
      <>
        <Topbar app={app} route={route} />
        <main id="main" key={me.currentWorkspaceId}>
          <ReconnectBanner app={app} />
          <PageBoundary key={router.path.value}>{page}</PageBoundary>
        </main>
      </>
    );
  }

  return (
    <AppContext.Provider value={app}>
      <div class="app" onClick={router.onLinkClick as unknown as (e: MouseEvent) => void}>
        {network.offline.value && (
          <div class="net-banner" role="alert">
            Can't reach Brandcast. Your changes are safe; we'll retry automatically.
            <button type="button" class="btn btn-small" disabled={network.retrying.value} onClick={() => network.retryNow()}>
              {network.retrying.value ? "Retrying…" : "Retry now"}
            </button>
          </div>
        )}
        {body}
      </div>
    </AppContext.Provider>
  );
}

/** A page that throws while rendering shows what happened, not a blank screen. */
function PageBoundary({ children }: { children: ComponentChildren }) {
  const [error, reset] = useErrorBoundary((err: unknown) => console.error(JSON.stringify({ message: "render failed", error: String(err) })));
  if (error)
    return (
      <div class="page">
        <Alert>
          This page hit a problem: {String((error as Error).message ?? error)}{" "}
          <button type="button" class="link" onClick={reset}>
            Try again
          </button>
        </Alert>
      </div>
    );
  return <>{children}</>;
}
