// CSV as RFC 4180 writes it (with the formula-injection guard), and the
// engagement rate of API.md, computed the same in TypeScript and in D1.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { csvField, csvRecord } from "../../worker/analytics/csv";
import { ENGAGEMENT_RATE_SQL, engagementRate } from "../../worker/analytics/metrics";
import type { MetricValues } from "../../worker/analytics/types";

describe("CSV fields", () => {
  it("quotes what needs quoting, doubles quotes, ends records with CRLF, leaves null empty", () => {
    expect(csvRecord(["plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", null, 12, 0.25, true, false, ""])).toBe(
      'plain,"a,b","say ""hi""","two\nlines","cr\rhere",,12,0.25,true,false,\r\n',
    );
  });

  it("text a spreadsheet would run as a formula stays text", () => {
    for (const evil of ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]) {
      const field = csvField(evil);
      expect(field.replace(/^"/, "").startsWith("'"), evil).toBe(true);
    }
    expect(csvField('=1,"2"')).toBe(`"'=1,""2"""`);
    // Numbers are numbers, not text: a negative count never needs the guard.
    expect(csvField(-3)).toBe("-3");
    expect(csvField("5 tips")).toBe("5 tips");
  });
});

describe("engagementRate", () => {
  const m = (v: Partial<MetricValues>): MetricValues => ({ views: null, reach: null, likes: null, comments: null, shares: null, saves: null, ...v });
  const cases: Array<[MetricValues, number | null]> = [
    [m({ views: 200, reach: 100, likes: 5, comments: 2, shares: 2, saves: 1 }), 0.1],
    // No reach: divided by views.
    [m({ views: 200, likes: 10, comments: 10 }), 0.1],
    // Nothing to divide by, or nothing reported to count.
    [m({ likes: 3 }), null],
    [m({ views: 0, reach: 0, likes: 0 }), null],
    [m({ views: 100, reach: 50 }), null],
    // A part not reported counts as none when others are.
    [m({ views: 10, likes: 1, saves: null }), 0.1],
    [m({ reach: 40, likes: 0, comments: 0, shares: 0, saves: 0 }), 0],
  ];

  it("is (likes + comments + shares + saves) / reach, or / views without reach; null when unknown", () => {
    for (const [values, rate] of cases) expect(engagementRate(values), JSON.stringify(values)).toBe(rate);
  });

  it("the SQL that sorts by it agrees on every case", async () => {
    for (const [values, rate] of cases) {
      const row = await env.DB.prepare(
        `SELECT ${ENGAGEMENT_RATE_SQL} AS rate FROM (SELECT ? AS views, ? AS reach, ? AS likes, ? AS comments, ? AS shares, ? AS saves) t`,
      )
        .bind(values.views, values.reach, values.likes, values.comments, values.shares, values.saves)
        .first<{ rate: number | null }>();
      expect(row!.rate, JSON.stringify(values)).toBe(rate);
    }
  });
});
