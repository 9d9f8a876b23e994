// The whole app's state, created once and handed to components by context.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { createClient, type Api } from "../api/client";
import { createAttention } from "./attention";
import { createAutomation } from "./automation";
import { createBrands } from "./brands";
import { createCalendar } from "./calendar";
import { createJobDetail } from "./job-detail";
import { createInvitationLookup } from "./invitation";
import { createJobs } from "./jobs";
import { createMembers } from "./members";
import { createNetwork } from "./network";
import { createNotifications } from "./notifications";
import { createRouter } from "./router";
import { createSession } from "./session";
import { createWebhooks } from "./webhooks";

export function createAppState(opts: { api?: Api; fetch?: typeof fetch; win?: Window; now?: () => number } = {}) {
  const win = opts.win ?? window;
  let session: ReturnType<typeof createSession> | undefined;
  let network: ReturnType<typeof createNetwork> | undefined;
  const api =
    opts.api ??
    createClient({
      fetch: opts.fetch,
      hooks: {
        onUnauthenticated: () => session?.expired(),
        onConnectivity: (online) => network?.setOnline(online),
      },
    });
  network = createNetwork(() => api.health());
  const calendar = createCalendar(api, { now: opts.now });
  const jobs = createJobs(api);
  const jobDetail = createJobDetail(api);
  const brands = createBrands(api);
  const automation = createAutomation(api);
  const attention = createAttention(api);
  const members = createMembers(api);
  const invitation = createInvitationLookup(api);
  const notifications = createNotifications(api, opts.now);
  const webhooks = createWebhooks(api);
  // Switching workspace drops every page's data: nothing of one workspace is shown in another.
  const resetAll = () => {
    calendar.reset();
    jobs.reset();
    brands.reset();
    automation.state.value = null;
    attention.reset();
    members.reset();
    notifications.reset();
    webhooks.reset();
  };
  session = createSession(api, safeStorage(win), resetAll);
  const router = createRouter(win);
  return { api, network, session, router, calendar, jobs, jobDetail, brands, automation, attention, members, invitation, notifications, webhooks };
}

function safeStorage(win: Window) {
  try {
    return win.localStorage;
  } catch {
    return null;
  }
}

export type AppState = ReturnType<typeof createAppState>;
export const AppContext = createContext<AppState>(null as unknown as AppState);
export const useApp = () => useContext(AppContext);
