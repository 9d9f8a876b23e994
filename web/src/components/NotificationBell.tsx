// The notification bell (issue 18 item 2): the unread count in the header
// and, opened, the latest items of the workspace's feed, each a link to what
// it is about. Opening an item marks it read (for this person only); "Mark all
// read" clears the count. It is a disclosure like the header's other menus
// (disclosure.ts): Escape, a click or focus outside, or a navigation closes it.
import { useEffect } from "preact/hooks";
import type { AppState } from "../state/app";
import { formatRelative } from "../state/time";
import { useDisclosure } from "./disclosure";
import "./notifications.css";

function BellIcon() {
  return (
    <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
      <path
        d="M10 2.5a5 5 0 0 0-5 5v3.2L3.6 13.3a.8.8 0 0 0 .7 1.2h11.4a.8.8 0 0 0 .7-1.2L15 10.7V7.5a5 5 0 0 0-5-5Z M8 16a2 2 0 0 0 4 0"
        fill="none"
        stroke="currentColor"
        stroke-width="1.6"
        stroke-linejoin="round"
      />
    </svg>
  );
}

export function NotificationBell({ app }: { app: Pick<AppState, "notifications" | "router"> }) {
  const m = app.notifications;
  const panel = useDisclosure("bell-panel");
  const path = app.router.path.value;
  useEffect(() => panel.close(), [path]);
  useEffect(() => {
    if (panel.open) void m.load();
  }, [panel.open]);

  const unread = m.unread.value;
  const items = m.items.value;
  const now = Date.now();
  return (
    <div class="bell" {...panel.rootProps}>
      <button {...panel.buttonProps} class="topbar-icon bell-button" data-testid="bell">
        <BellIcon />
        <span class="sr-only">Notifications{unread > 0 ? `, ${unread} unread` : ""}</span>
        {unread > 0 && (
          <span class="nav-count" aria-hidden="true">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      <section {...panel.panelProps} class="menu-panel bell-panel" aria-labelledby="bell-heading">
        <div class="bell-head">
          <h2 id="bell-heading">Notifications</h2>
          {unread > 0 && (
            <button type="button" class="link" onClick={() => void m.markAll()}>
              Mark all read
            </button>
          )}
        </div>
        {m.error.value && (
          <p class="inline-error" role="alert">
            {m.error.value}
          </p>
        )}
        {items && items.length === 0 && (
          <p class="muted bell-empty">Nothing yet. Failed and missed posts, accounts to reconnect and proposals to review show up here.</p>
        )}
        {items && items.length > 0 && (
          <ul class="bell-list">
            {items.map((n) => (
              <li key={n.id} class={n.readAt ? "is-read" : "is-unread"}>
                <a href={n.link} onClick={() => !n.readAt && void m.markRead(n.id)}>
                  <span class="bell-title">
                    {!n.readAt && <span class="sr-only">Unread: </span>}
                    {n.title}
                  </span>
                  <span class="bell-body">{n.body}</span>
                  <time class="bell-time" dateTime={n.createdAt}>
                    {formatRelative(Date.parse(n.createdAt), now)}
                  </time>
                </a>
                {!n.readAt && (
                  <button type="button" class="icon-btn bell-read" onClick={() => void m.markRead(n.id)}>
                    <span aria-hidden="true">✓</span>
                    <span class="sr-only">Mark “{n.title}” read</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        <p class="bell-foot">
          <a href="/webhooks">Webhooks and email</a>
        </p>
      </section>
    </div>
  );
}
