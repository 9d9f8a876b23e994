// An event in words, for the in-app feed, Slack, Discord and the email digest:
// what happened, to which brand and platform, and where in the app to look.
// Pure: the event's `data` (written when it happened) is all it reads.
import { PLATFORM_NAMES } from "../publishing/delivery-machine";
import type { PublishPlatform } from "../publishing/types";
import type { StoredEventType } from "./events";

export interface EventWords {
  title: string;
  body: string;
  /** A path of the web app (`/calendar?item=…`); absolute links are made with PUBLIC_BASE_URL. */
  link: string;
}

type Data = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const platformName = (v: unknown) => PLATFORM_NAMES[v as PublishPlatform] ?? str(v) ?? "the platform";
const brandName = (d: Data) => str(d.brandName) ?? "a brand";
const quoted = (d: Data) => (str(d.title) ? `“${str(d.title)}”` : d.contentType === "post" ? "A post" : "A reel");
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const day = (v: unknown) => (str(v) ? str(v)!.slice(0, 10) : "soon");

export function eventWords(type: StoredEventType, data: Data): EventWords {
  const calendarLink = str(data.scheduleId) ? `/calendar?item=${encodeURIComponent(str(data.scheduleId)!)}` : "/attention";
  const brandLink = str(data.brandId) ? `/brands/${encodeURIComponent(str(data.brandId)!)}` : "/brands";
  const platform = platformName(data.platform);
  switch (type) {
    case "delivery.published":
      return {
        title: `${quoted(data)} is live on ${platform}`,
        body: [`Published for ${brandName(data)}.`, str(data.permalink)].filter(Boolean).join(" "),
        link: calendarLink,
      };
    case "delivery.failed":
      return {
        title: `${quoted(data)} failed on ${platform}`,
        body: `${brandName(data)}: ${str(data.error) ?? "the platform refused it."}`,
        link: calendarLink,
      };
    case "delivery.unconfirmed":
      return {
        title: `Check ${platform}: ${quoted(data)} may have gone out`,
        body: `${brandName(data)}: ${str(data.error) ?? "publishing was interrupted at the moment it would have gone out."} Look on ${platform} before you retry.`,
        link: calendarLink,
      };
    case "delivery.missed":
      return {
        title: `${quoted(data)} missed its slot on ${platform}`,
        body: `${brandName(data)}: ${str(data.error) ?? "it was too late to publish."} Retry to publish it now.`,
        link: calendarLink,
      };
    case "account.needs_reconnect":
      return {
        title: `Reconnect ${brandName(data)}'s ${platform} account`,
        body: str(data.reason) ?? `${platform} refused the account's token; nothing publishes there until it is reconnected.`,
        link: brandLink,
      };
    case "account.expiring":
      return {
        title: `${brandName(data)}'s ${platform} access expires on ${day(data.expiresAt)}`,
        body: `${str(data.reason) ?? "It cannot be renewed automatically."} Reconnect the account before then to keep publishing.`,
        link: brandLink,
      };
    case "proposal.pending": {
      const n = num(data.count);
      const titles = Array.isArray(data.titles) ? (data.titles as unknown[]).map(str).filter(Boolean) : [];
      return {
        title: `${plural(n, "proposal")} for ${brandName(data)} ${n === 1 ? "waits" : "wait"} for review`,
        body: titles.length ? titles.map((t) => `“${t}”`).join(", ") : "Accept or reject them in the Automation inbox.",
        link: "/automation",
      };
    }
    case "burst.completed": {
      const jobs = num(data.jobs);
      const pending = num(data.pending);
      const made = [jobs ? plural(jobs, "job") : null, pending ? `${plural(pending, "proposal")} to review` : null].filter(Boolean).join(" and ");
      return { title: `The daily burst made ${made}`, body: `Across ${plural(num(data.brands), "brand")}.`, link: "/automation" };
    }
    case "burst.empty":
      return {
        title: "The daily burst created nothing",
        body: `${plural(num(data.brands), "brand")}, ${plural(num(data.proposals), "proposal")} written, none accepted. The Automation page says why for each proposal.`,
        link: "/automation",
      };
    case "ping":
      return { title: "Test event from Brandcast", body: "Your endpoint receives Brandcast's events.", link: "/webhooks" };
    case "webhook.disabled":
      return {
        title: `The webhook to ${str(data.host) ?? "an endpoint"} was switched off`,
        body: str(data.reason) ?? "Every delivery to it failed for three days in a row.",
        link: "/webhooks",
      };
  }
}
