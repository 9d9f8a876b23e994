// The header: the logo, the main navigation (nav.ts: each page in the bar
// from its breakpoint up, the rest under "More"), then the tools: the
// notification bell (NotificationBell.tsx) goes before the account menu, which holds the
// workspace switcher, who is signed in, and sign-out. Fits 375 px and up.
import { useEffect } from "preact/hooks";
import type { AppState } from "../state/app";
import type { Route } from "../state/router";
import { NAV, widestInline, type NavEntry } from "../nav";
import { useDisclosure } from "./disclosure";
import { NotificationBell } from "./NotificationBell";

export function Topbar({ app, route }: { app: AppState; route: Route }) {
  return (
    <header class="topbar">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <a href="/calendar" class="logo">
        Brandcast
      </a>
      <MainNav app={app} route={route} entries={NAV} />
      <div class="topbar-tools">
        <NotificationBell app={app} />
        <AccountMenu app={app} />
      </div>
    </header>
  );
}

function Caret() {
  return (
    <svg class="caret" viewBox="0 0 10 6" width="10" height="6" aria-hidden="true">
      <path d="M1 1l4 4 4-4" fill="none" stroke="currentColor" stroke-width="1.6" />
    </svg>
  );
}

function NavLink({ entry, app, current }: { entry: NavEntry; app: AppState; current: boolean }) {
  const n = entry.count?.(app) ?? 0;
  return (
    <a href={entry.href} class={entry.short ? "has-short" : undefined} aria-current={current ? "page" : undefined}>
      <span class="nav-label">{entry.label}</span>
      {entry.short && (
        <span class="nav-label-short" aria-hidden="true">
          {entry.short}
        </span>
      )}
      {n > 0 && (
        <>
          <span class="nav-count" aria-hidden="true">
            {n}
          </span>
          <span class="sr-only">, {entry.countLabel?.(n) ?? n}</span>
        </>
      )}
    </a>
  );
}

export function MainNav({ app, route, entries }: { app: AppState; route: Route; entries: ReadonlyArray<NavEntry> }) {
  const more = useDisclosure("nav-more");
  const path = app.router.path.value;
  useEffect(() => more.close(), [path]);
  const isCurrent = (e: NavEntry) => e.routes.includes(route.name);
  const widest = widestInline(entries);
  const currentInMore = entries.find((e) => isCurrent(e) && e.inline !== "always");
  return (
    <nav aria-label="Main" class="mainnav">
      <ul class="nav-bar">
        {entries.map((e) => (
          <li key={e.href} class={`inline-${e.inline}`}>
            <NavLink entry={e} app={app} current={isCurrent(e)} />
          </li>
        ))}
        {widest !== "always" && (
          <li class={`nav-more more-below-${widest}`} {...more.rootProps}>
            <button {...more.buttonProps} class={`nav-more-button${currentInMore ? ` current-below-${currentInMore.inline}` : ""}`}>
              More <Caret />
            </button>
            <ul {...more.panelProps} class="menu-panel">
              {entries
                .filter((e) => e.inline !== "always")
                .map((e) => (
                  <li key={e.href} class={`in-more-${e.inline}`}>
                    <NavLink entry={e} app={app} current={isCurrent(e)} />
                  </li>
                ))}
            </ul>
          </li>
        )}
      </ul>
    </nav>
  );
}

function AccountMenu({ app }: { app: AppState }) {
  const { session } = app;
  const menu = useDisclosure("account-menu");
  const me = session.me.value;
  if (!me) return null;
  const ws = session.workspace.value;
  const who = me.user.name ?? me.user.email;
  return (
    <div class="account" {...menu.rootProps}>
      <button {...menu.buttonProps} class="account-button" title={`${ws?.name ?? ""} · ${me.user.email}`}>
        <span class="sr-only">Account and workspace: </span>
        <span class="account-ws">{ws?.name ?? "Workspace"}</span>
        <span class="account-user">{who}</span>
        <Caret />
      </button>
      <div {...menu.panelProps} class="menu-panel account-panel">
        <p class="account-who">
          Signed in as <strong>{me.user.email}</strong>
        </p>
        {me.workspaces.length > 1 ? (
          <div class="field">
            <label for="ws-switch">Workspace</label>
            <select
              id="ws-switch"
              value={me.currentWorkspaceId}
              onChange={(e) => {
                menu.close(true);
                void session.switchWorkspace(e.currentTarget.value);
              }}
            >
              {me.workspaces.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name} ({w.role})
                </option>
              ))}
            </select>
          </div>
        ) : (
          <p class="muted">
            {ws?.name} · {ws?.role}
          </p>
        )}
        <button type="button" class="btn btn-small" onClick={() => session.signOut()}>
          Sign out
        </button>
      </div>
    </div>
  );
}
