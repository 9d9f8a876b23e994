// The body an endpoint receives, by its `format` (API.md): `standard` is the
// event as JSON `{id, type, createdAt, workspaceId, data}` (signed per
// Standard Webhooks); `slack` and `discord` are those platforms' incoming-
// webhook messages (unsigned, as they expect): what happened, to which brand
// and platform, with a link.
import type { EventBody } from "../notifications/events";
import type { EventWords } from "../notifications/words";

export type WebhookFormat = "standard" | "slack" | "discord";

/** Slack's text escaping (api.slack.com "Formatting text": &, < and > only). */
const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
/** Discord markdown a post's title could carry by accident (`*`, `_`, `~`, `` ` ``, `|`): it stays text. */
const discordEscape = (s: string) => s.replace(/([\\*_~`|])/g, "\\$1");
/** Discord refuses `content` over 2,000 characters. */
const DISCORD_MAX = 2000;

/** The request body for one attempt; `link` is absolute (or null when the app's public address is unknown). */
export function renderBody(format: WebhookFormat, event: EventBody, words: EventWords, link: string | null): string {
  switch (format) {
    case "standard":
      return JSON.stringify(event);
    case "slack": {
      const title = link ? `*<${link}|${slackEscape(words.title)}>*` : `*${slackEscape(words.title)}*`;
      return JSON.stringify({ text: `${title}\n${slackEscape(words.body)}`, unfurl_links: false, unfurl_media: false });
    }
    case "discord": {
      const text = [`**${discordEscape(words.title)}**`, words.body, link ? `<${link}>` : null].filter(Boolean).join("\n");
      // No pings: nothing a post's title says may mention @everyone or a role.
      return JSON.stringify({ content: text.length > DISCORD_MAX ? `${text.slice(0, DISCORD_MAX - 1)}…` : text, allowed_mentions: { parse: [] } });
    }
  }
}
