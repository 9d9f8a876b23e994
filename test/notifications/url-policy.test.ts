// No SSRF (issue 18 item 6): webhooks go to https: URLs on public hosts, with
// no credentials in them; every spelling of a private, link-local or loopback
// address is refused, whatever form it is written in. Loopback only with
// WEBHOOK_ALLOW_LOOPBACK=true (npm start).
import { describe, expect, it } from "vitest";
import { checkWebhookUrl, parseIpv4, parseIpv6 } from "../../worker/webhooks/url-policy";

const strict = { allowLoopback: false };
const local = { allowLoopback: true };

function refused(url: string, policy = strict) {
  const v = checkWebhookUrl(url, policy);
  expect(v.ok, `${url} should be refused`).toBe(false);
  return v.ok ? "" : v.reason;
}
function accepted(url: string, policy = strict) {
  const v = checkWebhookUrl(url, policy);
  expect(v.ok, `${url} should be accepted: ${v.ok ? "" : v.reason}`).toBe(true);
}

describe("webhook URL policy", () => {
  it("accepts https URLs on public hosts, names and addresses", () => {
    for (const url of [
      "https://example.com/hooks/brandcast",
      "https://hooks.slack.com/services/T000/B000/XXXX",
      "https://discord.com/api/webhooks/1/abc",
      "https://8.8.8.8/hook",
      "https://[2606:4700:4700::1111]/hook",
      "https://[::ffff:8.8.8.8]/hook",
      "https://example.com:8443/hook?x=1",
    ])
      accepted(url);
  });

  it("refuses anything but https, and credentials in the URL", () => {
    expect(refused("http://example.com/hook")).toMatch(/https/);
    expect(refused("ftp://example.com/hook")).toMatch(/https/);
    expect(refused("javascript:alert(1)")).toMatch(/https|host/);
    expect(refused("not a url")).toMatch(/not a URL/);
    expect(refused("https://user:pass@example.com/hook")).toMatch(/credentials/);
    expect(refused("https://user@example.com/hook")).toMatch(/credentials/);
    expect(refused(`https://example.com/${"a".repeat(2100)}`)).toMatch(/longer/);
  });

  it("refuses loopback in every encoding", () => {
    for (const url of [
      "https://127.0.0.1/",
      "https://127.1/",
      "https://127.0.0.1./",
      "https://2130706433/", // decimal integer
      "https://0x7f000001/", // hex integer
      "https://0x7f.0.0.1/", // hex octet
      "https://0177.0.0.1/", // octal octet
      "https://017700000001/", // octal integer
      "https://127.255.255.254/",
      "https://[::1]/",
      "https://[0:0:0:0:0:0:0:1]/",
      "https://[::ffff:127.0.0.1]/", // IPv4-mapped
      "https://[::ffff:7f00:1]/",
      "https://[::127.0.0.1]/", // IPv4-compatible
      "https://localhost/",
      "https://LOCALHOST./",
      "https://api.localhost/",
      "https://a.b.localhost/",
    ])
      expect(refused(url), url).toMatch(/loopback/);
  });

  it("refuses private, link-local, shared and reserved addresses in every encoding", () => {
    for (const url of [
      "https://10.0.0.1/",
      "https://167772161/", // 10.0.0.1 as a decimal integer
      "https://0xa000001/",
      "https://012.0.0.1/",
      "https://172.16.0.1/",
      "https://172.31.255.255/",
      "https://192.168.1.1/",
      "https://3232235777/", // 192.168.1.1
      "https://0xc0.0xa8.1.1/",
      "https://169.254.169.254/latest/meta-data/", // cloud metadata
      "https://2852039166/", // 169.254.169.254
      "https://100.64.0.1/",
      "https://0.0.0.0/",
      "https://0/",
      "https://224.0.0.1/",
      "https://255.255.255.255/",
      "https://198.18.0.1/",
      "https://192.0.2.1/",
      "https://[::]/",
      "https://[fc00::1]/",
      "https://[fd12:3456::1]/",
      "https://[fe80::1]/",
      "https://[fec0::1]/",
      "https://[ff02::1]/",
      "https://[::ffff:10.0.0.1]/",
      "https://[::ffff:a00:1]/",
      "https://[::ffff:169.254.169.254]/",
      "https://[::ffff:192.168.0.1]/",
      "https://[64:ff9b::a00:1]/", // NAT64 of 10.0.0.1
      "https://[2002:a00:1::]/", // 6to4 of 10.0.0.1
      "https://[2002:7f00:1::]/", // 6to4 of 127.0.0.1
      "https://[2001:db8::1]/",
      "https://[2001::1]/", // Teredo
    ])
      expect(refused(url), url).toMatch(/public hosts only|not valid/);
  });

  it("refuses names that only mean a local network", () => {
    for (const url of ["https://intranet/", "https://printer.local/", "https://db.internal/", "https://nas.home.arpa/", "https://box.lan/"]) {
      expect(refused(url), url).toMatch(/public host|local network/);
    }
  });

  it("allows loopback (and only loopback) over http or https with WEBHOOK_ALLOW_LOOPBACK", () => {
    for (const url of ["http://127.0.0.1:9310/hooks/a", "http://localhost:9310/", "https://[::1]/", "http://2130706433/", "http://api.localhost/"]) accepted(url, local);
    for (const url of ["http://10.0.0.1/", "http://192.168.1.1/", "http://169.254.169.254/", "http://example.com/", "http://[fe80::1]/"]) refused(url, local);
    // Credentials stay refused everywhere.
    refused("http://a:b@127.0.0.1/", local);
  });
});

describe("address parsing", () => {
  it("reads IPv4 the way inet_aton does", () => {
    expect(parseIpv4("127.0.0.1")).toEqual([127, 0, 0, 1]);
    expect(parseIpv4("127.1")).toEqual([127, 0, 0, 1]);
    expect(parseIpv4("0x7f.1")).toEqual([127, 0, 0, 1]);
    expect(parseIpv4("2130706433")).toEqual([127, 0, 0, 1]);
    expect(parseIpv4("017700000001")).toEqual([127, 0, 0, 1]);
    expect(parseIpv4("192.168.257")).toEqual([192, 168, 1, 1]);
    expect(parseIpv4("example.com")).toBeNull();
    expect(parseIpv4("1.2.3.4.5")).toBe("invalid");
    expect(parseIpv4("256.1.1.1")).toBe("invalid");
    expect(parseIpv4("4294967296")).toBe("invalid");
    expect(parseIpv4("08.1.1.1")).toBe("invalid");
  });

  it("reads IPv6 with :: and a dotted IPv4 tail", () => {
    const hex = (b: Uint8Array | null) => (b ? [...b].map((x) => x.toString(16).padStart(2, "0")).join("") : null);
    expect(hex(parseIpv6("::1"))).toBe("00000000000000000000000000000001");
    expect(hex(parseIpv6("::ffff:127.0.0.1"))).toBe("00000000000000000000ffff7f000001");
    expect(hex(parseIpv6("1:2:3:4:5:6:1.2.3.4"))).toBe("00010002000300040005000601020304");
    expect(hex(parseIpv6("2001:db8::"))).toBe("20010db8000000000000000000000000");
    expect(parseIpv6("1::2::3")).toBeNull();
    expect(parseIpv6("1:2:3:4:5:6:7:8:9")).toBeNull();
    expect(parseIpv6("fe80::1%eth0")).toBeNull();
    expect(parseIpv6("::ffff:1.2.3.256")).toBeNull();
  });
});
