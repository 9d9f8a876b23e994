// Where webhooks may go (API.md "Notifications and webhooks", no SSRF): an
// https: URL with no credentials in it, to a public host. Every spelling of
// an address is judged by what it means, not how it is written: the WHATWG
// URL parser already turns `2130706433`, `0x7f.1` and `017700000001` into
// 127.0.0.1 and `[::ffff:127.0.0.1]` into `[::ffff:7f00:1]`; the checks below
// parse again themselves so that they never depend on that.
//
// A Worker cannot resolve a host name itself, so a name that resolves to a
// private address is not caught here; what stops it is the platform: a
// Worker's fetch leaves from Cloudflare's network to the public internet and
// cannot reach the operator's private networks (README "Webhooks").
//
// Loopback is allowed only with WEBHOOK_ALLOW_LOOPBACK=true (npm start sets it
// so a person can try a local receiver), and then over http: too.

export type UrlVerdict = { ok: true; url: URL; host: string } | { ok: false; reason: string };

export interface UrlPolicy {
  allowLoopback: boolean;
}

export const MAX_URL_LENGTH = 2048;

export function checkWebhookUrl(raw: string, policy: UrlPolicy): UrlVerdict {
  if (raw.length > MAX_URL_LENGTH) return refuse(`The URL is longer than ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("That is not a URL. Use one like https://example.com/hooks/brandcast.");
  }
  if (url.username || url.password) return refuse("Remove the user name and password from the URL: a webhook URL carries no credentials.");
  const kind = hostKind(url.hostname);
  if (kind.kind === "refused") return refuse(kind.reason);
  const loopbackOk = kind.kind === "loopback" && policy.allowLoopback;
  if (kind.kind === "loopback" && !loopbackOk) {
    return refuse("The URL points at this machine (a loopback address): webhooks go to public hosts only.");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopbackOk)) {
    return refuse(`Use an https:// URL (this one is ${url.protocol.replace(/:$/, "")}).`);
  }
  return { ok: true, url, host: url.host };
}

const refuse = (reason: string): UrlVerdict => ({ ok: false, reason });

type HostKind = { kind: "public" } | { kind: "loopback" } | { kind: "refused"; reason: string };

/** Names that only ever mean a local or private network (RFC 6761, RFC 6762, RFC 8375, ICANN's .internal). */
const LOCAL_SUFFIXES = [".local", ".internal", ".home.arpa", ".lan", ".localdomain", ".intranet", ".corp"];

export function hostKind(hostname: string): HostKind {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (!host) return { kind: "refused", reason: "The URL has no host." };
  if (host.startsWith("[")) {
    const bytes = parseIpv6(host.slice(1, -1));
    if (!bytes) return { kind: "refused", reason: "The URL's IPv6 address is not valid." };
    return classifyIpv6(bytes);
  }
  const v4 = parseIpv4(host);
  if (v4 === "invalid") return { kind: "refused", reason: "The URL's IPv4 address is not valid." };
  if (v4) return classifyIpv4(v4);
  if (host === "localhost" || host.endsWith(".localhost")) return { kind: "loopback" };
  if (!host.includes(".")) return { kind: "refused", reason: `“${host}” is not a public host name: use its full domain name.` };
  if (LOCAL_SUFFIXES.some((s) => host.endsWith(s))) return { kind: "refused", reason: `“${host}” names a local network: webhooks go to public hosts only.` };
  return { kind: "public" };
}

/**
 * An IPv4 address in any form inet_aton accepts (a.b.c.d, a.b.c, a.b, a; each
 * part decimal, 0x hex or 0-prefixed octal), as four bytes; null when the host
 * is not numeric (a name); "invalid" when it looks numeric but is no address.
 */
export function parseIpv4(host: string): [number, number, number, number] | null | "invalid" {
  const parts = host.split(".");
  // A name whose last label is not numeric is a domain (WHATWG URL "ends in a number" rule).
  const last = parts.at(-1)!;
  if (!/^(0x[0-9a-f]*|\d+)$/i.test(last)) return null;
  if (parts.length > 4) return "invalid";
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0x[0-9a-f]*$/i.test(p)) n = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]+$/.test(p)) n = parseInt(p, 8);
    else if (/^(0|[1-9]\d*)$/.test(p)) n = parseInt(p, 10);
    else return "invalid";
    nums.push(n);
  }
  const head = nums.slice(0, -1);
  const tail = nums.at(-1)!;
  if (head.some((n) => n > 255) || tail >= 256 ** (5 - nums.length)) return "invalid";
  let value = tail;
  head.forEach((n, i) => (value += n * 256 ** (3 - i)));
  return [(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
}

/** IPv4 blocks that are not the public internet (RFC 6890 special-purpose registry), with a word for each. */
const V4_BLOCKS: Array<[prefix: [number, number, number, number], bits: number, what: string]> = [
  [[0, 0, 0, 0], 8, "“this network” (0.0.0.0/8)"],
  [[10, 0, 0, 0], 8, "a private network (10.0.0.0/8)"],
  [[100, 64, 0, 0], 10, "a carrier-grade NAT network (100.64.0.0/10)"],
  [[169, 254, 0, 0], 16, "a link-local address (169.254.0.0/16, cloud metadata services live here)"],
  [[172, 16, 0, 0], 12, "a private network (172.16.0.0/12)"],
  [[192, 0, 0, 0], 24, "an IETF protocol address (192.0.0.0/24)"],
  [[192, 0, 2, 0], 24, "a documentation address (192.0.2.0/24)"],
  [[192, 88, 99, 0], 24, "a 6to4 relay address (192.88.99.0/24)"],
  [[192, 168, 0, 0], 16, "a private network (192.168.0.0/16)"],
  [[198, 18, 0, 0], 15, "a benchmarking network (198.18.0.0/15)"],
  [[198, 51, 100, 0], 24, "a documentation address (198.51.100.0/24)"],
  [[203, 0, 113, 0], 24, "a documentation address (203.0.113.0/24)"],
  [[224, 0, 0, 0], 4, "a multicast address (224.0.0.0/4)"],
  [[240, 0, 0, 0], 4, "a reserved address (240.0.0.0/4)"],
];

function inPrefix(bytes: ArrayLike<number>, prefix: ArrayLike<number>, bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((bytes[byte]! & mask) !== (prefix[byte]! & mask)) return false;
  }
  return true;
}

function classifyIpv4(b: [number, number, number, number]): HostKind {
  if (b[0] === 127) return { kind: "loopback" };
  for (const [prefix, bits, what] of V4_BLOCKS) {
    if (inPrefix(b, prefix, bits)) return { kind: "refused", reason: `The URL points at ${what}: webhooks go to public hosts only.` };
  }
  return { kind: "public" };
}

/** 16 bytes of an IPv6 address (with `::` and an embedded dotted IPv4 tail), or null. Zone ids are refused. */
export function parseIpv6(text: string): Uint8Array | null {
  if (!text || text.includes("%")) return null;
  let s = text.toLowerCase();
  const tail: number[] = [];
  // `::ffff:1.2.3.4`, `::1.2.3.4`, `1:2:3:4:5:6:1.2.3.4`: the last 32 bits written as IPv4.
  const dotted = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (dotted) {
    const parts = dotted[2]!.split(".");
    if (parts.some((p) => (p.length > 1 && p.startsWith("0")) || Number(p) > 255)) return null;
    const [a, b, c, d] = parts.map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    s = dotted[1]!.endsWith("::") ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  const hex = (g: string) => parseInt(g, 16);
  const total = head.length + rest.length + tail.length;
  // `::` stands for at least one group of zeros.
  if (halves.length === 2 ? total > 7 : total !== 8) return null;
  const zeros = halves.length === 2 ? new Array<number>(8 - total).fill(0) : [];
  const words = [...head.map(hex), ...zeros, ...rest.map(hex), ...tail];
  const out = new Uint8Array(16);
  words.forEach((w, i) => ((out[2 * i] = w >> 8), (out[2 * i + 1] = w & 255)));
  return out;
}

const v6 = (text: string) => parseIpv6(text)!;
/** Global unicast is 2000::/3; inside it, these are not the public internet. */
const V6_BLOCKS: Array<[Uint8Array, number, string]> = [
  [v6("2001::"), 23, "an IETF protocol address (2001::/23, Teredo among them)"],
  [v6("2001:db8::"), 32, "a documentation address (2001:db8::/32)"],
  [v6("3fff::"), 20, "a documentation address (3fff::/20)"],
];

function classifyIpv6(b: Uint8Array): HostKind {
  const embedded = (at: number): [number, number, number, number] => [b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!];
  if (b.every((x, i) => x === (i === 15 ? 1 : 0))) return { kind: "loopback" };
  if (b.every((x) => x === 0)) return { kind: "refused", reason: "The URL points at the unspecified address (::): webhooks go to public hosts only." };
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible): the IPv4 address decides.
  if (inPrefix(b, v6("::ffff:0:0"), 96) || inPrefix(b, v6("::"), 96)) return classifyIpv4(embedded(12));
  // 6to4 carries an IPv4 address in bits 16-48: a private one reaches a private network.
  if (inPrefix(b, v6("2002::"), 16)) {
    const inner = classifyIpv4(embedded(2));
    return inner.kind === "public" ? inner : { kind: "refused", reason: "The URL is a 6to4 address of a private or loopback IPv4 address: webhooks go to public hosts only." };
  }
  if (!inPrefix(b, v6("2000::"), 3)) {
    const what = inPrefix(b, v6("fc00::"), 7)
      ? "a unique local address (fc00::/7)"
      : inPrefix(b, v6("fe80::"), 10)
        ? "a link-local address (fe80::/10)"
        : inPrefix(b, v6("ff00::"), 8)
          ? "a multicast address (ff00::/8)"
          : inPrefix(b, v6("64:ff9b::"), 32)
            ? "a NAT64 address (64:ff9b::/32)"
            : "an address outside the public IPv6 internet (2000::/3)";
    return { kind: "refused", reason: `The URL points at ${what}: webhooks go to public hosts only.` };
  }
  for (const [prefix, bits, what] of V6_BLOCKS) {
    if (inPrefix(b, prefix, bits)) return { kind: "refused", reason: `The URL points at ${what}: webhooks go to public hosts only.` };
  }
  return { kind: "public" };
}
