// A post's score relative to its brand (DESIGN.md §10): views per follower
// and engagement rate against the brand's median on the same platform, from
// each delivery's newest reading; young posts wait, unknown metrics are not
// zeros, and a brand ten times bigger learns exactly the same.
import { describe, expect, it } from "vitest";
import { armStatsFrom, MIN_AGE_MS, scorePosts, type FollowerReading, type PostReading } from "../../worker/learning/performance";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 4, 1);

function reading(i: number, over: Partial<PostReading> = {}): PostReading {
  const publishedAt = T0 + i * DAY;
  return {
    deliveryId: `d${i}`,
    postId: `s${i}`,
    platform: "instagram",
    accountId: "acct",
    publishedAt,
    capturedAt: publishedAt + 7 * DAY,
    views: 1000,
    reach: 800,
    likes: 40,
    comments: 4,
    shares: 2,
    saves: 4,
    arm: { topic: "t", hook: "h" },
    ...over,
  };
}

const followers = (n: number): FollowerReading[] => [{ platform: "instagram", accountId: "acct", capturedAt: T0 - DAY, followers: n }];

describe("post scores", () => {
  it("are relative to the brand's median: the median post scores 0, twice the views scores more, half less", () => {
    const rows = [reading(0), reading(1), reading(2, { views: 2000, reach: 1600, likes: 80 }), reading(3, { views: 500, reach: 400, likes: 20 }), reading(4)];
    const scores = new Map(scorePosts(rows, followers(10_000)).map((p) => [p.postId, p.score]));
    expect(scores.get("s0")).toBeCloseTo(0, 5);
    expect(scores.get("s2")!).toBeGreaterThan(0.3);
    expect(scores.get("s3")!).toBeLessThan(-0.3);
  });

  it("are the same for a brand a hundred times bigger with the same shape", () => {
    const small = [0, 1, 2, 3, 4].map((i) => reading(i, { views: 100 * (i + 1), reach: 80 * (i + 1), likes: 4 * (i + 1) }));
    const big = small.map((r) => ({ ...r, views: r.views! * 100, reach: r.reach! * 100, likes: r.likes! * 100, comments: r.comments! * 100, shares: r.shares! * 100, saves: r.saves! * 100 }));
    const a = scorePosts(small, followers(1_000)).map((p) => p.score);
    const b = scorePosts(big, followers(100_000)).map((p) => p.score);
    a.forEach((s, i) => expect(b[i]).toBeCloseTo(s, 6));
  });

  it("count views per follower at the time of posting, so a growing audience does not flatter later posts", () => {
    // Followers double between the posts; views double too: the same performance.
    const rows = [0, 1, 2, 3].map((i) => reading(i, { views: i < 2 ? 1000 : 2000, reach: i < 2 ? 800 : 1600, likes: i < 2 ? 40 : 80, comments: i < 2 ? 4 : 8, shares: i < 2 ? 2 : 4, saves: i < 2 ? 4 : 8 }));
    const growth: FollowerReading[] = [
      { platform: "instagram", accountId: "acct", capturedAt: T0 - DAY, followers: 10_000 },
      { platform: "instagram", accountId: "acct", capturedAt: T0 + 1.5 * DAY, followers: 20_000 },
    ];
    for (const p of scorePosts(rows, growth)) expect(p.score, p.postId).toBeCloseTo(0, 5);
  });

  it("use each delivery's newest reading, and wait for a post to be two days old", () => {
    const rows = [
      ...[0, 1, 2, 3].map((i) => reading(i)),
      // An early reading of post 4 (low) and its newest (high): the newest counts.
      reading(4, { capturedAt: T0 + 4 * DAY + 6 * HOUR, views: 10, reach: 8, likes: 1 }),
      reading(4, { views: 3000, reach: 2400, likes: 120, comments: 12, shares: 6, saves: 12 }),
      // Post 5 is a day old: not scored yet.
      reading(5, { capturedAt: T0 + 5 * DAY + MIN_AGE_MS - HOUR, views: 5 }),
    ];
    const scores = new Map(scorePosts(rows, followers(10_000)).map((p) => [p.postId, p.score]));
    expect(scores.get("s4")!).toBeGreaterThan(0.5);
    expect(scores.has("s5")).toBe(false);
  });

  it("treat an unreported metric as unknown, not zero, and compare each platform with itself", () => {
    const ig = [0, 1, 2].map((i) => reading(i));
    // YouTube reports views but no reach or saves; its posts are compared with the brand's YouTube median.
    const yt = [3, 4, 5].map((i) => reading(i, { platform: "youtube", accountId: "yt", views: 50 * (i - 2), reach: null, saves: null, likes: 2 * (i - 2), comments: 0, shares: null }));
    const scores = new Map(scorePosts([...ig, ...yt], [...followers(10_000), { platform: "youtube", accountId: "yt", capturedAt: T0 - DAY, followers: 500 }]).map((p) => [p.postId, p.score]));
    expect(scores.get("s4")).toBeCloseTo(0, 5); // YouTube's median, though its views are far below Instagram's
    expect(scores.get("s0")).toBeCloseTo(0, 5);
    expect(scores.get("s5")!).toBeGreaterThan(0);
  });

  it("combine a post's platforms into one score, and a platform with fewer than three posts is not scored", () => {
    const rows = [
      ...[0, 1, 2].map((i) => reading(i)),
      reading(0, { deliveryId: "fb0", platform: "facebook", accountId: "fb", views: 10 }),
    ];
    const posts = scorePosts(rows, followers(10_000));
    expect(posts.map((p) => p.postId).sort()).toEqual(["s0", "s1", "s2"]);
  });
});

describe("arm statistics", () => {
  it("add up the scores per topic and per hook, ignoring posts without an arm", () => {
    const now = T0 + 10 * DAY;
    const stats = armStatsFrom(
      [
        { postId: "1", publishedAt: now, score: 0.4, arm: { topic: "Bread", hook: "h1" } },
        { postId: "2", publishedAt: now, score: 0.2, arm: { topic: "bread", hook: "h2" } },
        { postId: "3", publishedAt: now, score: -0.3, arm: { topic: "soup", hook: "h1" } },
        { postId: "4", publishedAt: now, score: 1, arm: null },
      ],
      now,
    );
    expect(stats.topic.get("bread")).toEqual({ weight: 2, sum: expect.closeTo(0.6, 9), posts: 2 });
    expect(stats.hook.get("h1")).toEqual({ weight: 2, sum: expect.closeTo(0.1, 9), posts: 2 });
    expect(stats.posts).toBe(4);
  });
});
