// Deliveries for the chaos test and the publishing bench: brands with an
// account on each fake platform (seeded in the fake and connected through the
// API), and one tagged item per delivery so the fakes' state can be counted
// per delivery.
import { env } from "cloudflare:workers";
import { unique } from "../support/fixtures";
import { admin, chaosFake, prng } from "./chaos-driver";
import { connect, newBrand, seedDelivery } from "./support";

export type ChaosPlatform = "instagram" | "facebook" | "youtube";

export interface ChaosDelivery {
  deliveryId: string;
  platform: ChaosPlatform;
  kind: "reel" | "post";
  /** Unique text in the caption and the YouTube title: how the fake's objects are matched to deliveries. */
  tag: string;
}

const PLATFORMS: ChaosPlatform[] = ["instagram", "facebook", "youtube"];

/** Brands with an account on each chaos fake (seeded in the fake, connected through the API). */
export async function seedBrandsOnFakes(count: number): Promise<Array<{ brandId: string; accounts: Record<ChaosPlatform, string> }>> {
  const run = unique("");
  const brands: Array<{ brandId: string; accounts: Record<ChaosPlatform, string> }> = [];
  const ig = chaosFake("instagram");
  const fb = chaosFake("facebook");
  const yt = chaosFake("youtube");
  // The chaos is about faults, not YouTube's daily quota (six uploads a day in the legacy model would stretch the run over weeks).
  await admin(() => yt.seed({ config: { dailyUnits: 10_000_000 } }));
  for (let b = 0; b < count; b++) {
    const brandId = await newBrand();
    const n = `${Date.now() % 1e7}${String(b).padStart(3, "0")}`;
    const igUser = `1784${n}`;
    const page = `1000${n}`;
    const channel = `UCchaos${run}${b}`;
    const tokens = { ig: `IGchaos-${run}-${b}`, fb: `EAAchaos-${run}-${b}`, yt: `ya29.chaos-${run}-${b}` };
    await admin(() => ig.seed({ users: [{ igUserId: igUser, token: tokens.ig }] }));
    await admin(() => fb.seed({ pages: [{ id: page, token: tokens.fb }] }));
    await admin(() => yt.seed({ channels: [{ id: channel, accessToken: tokens.yt, refreshToken: `${tokens.yt}-refresh` }] }));
    brands.push({
      brandId,
      accounts: {
        instagram: (await connect(brandId, "instagram", tokens.ig, igUser)).accountId,
        facebook: (await connect(brandId, "facebook", tokens.fb, page)).accountId,
        youtube: (await connect(brandId, "youtube", tokens.yt, channel)).accountId,
      },
    });
  }
  return brands;
}

export async function seedChaos(opts: { deliveries: number; brands: number; seed: number; containerErrorRate?: number }): Promise<ChaosDelivery[]> {
  const rng = prng(opts.seed ^ 0x5eed);
  const run = unique("");
  const ig = chaosFake("instagram");
  const fb = chaosFake("facebook");
  const brands = await seedBrandsOnFakes(opts.brands);
  const out: ChaosDelivery[] = [];
  const badMedia: Record<ChaosPlatform, Record<string, unknown>> = { instagram: {}, facebook: {}, youtube: {} };
  for (let i = 0; i < opts.deliveries; i++) {
    const platform = PLATFORMS[i % 3]!;
    const kind = platform === "youtube" || rng() < 0.5 ? "reel" : "post";
    const tag = `[c${run}-${i}]`;
    const b = brands[i % opts.brands]!;
    const d = await seedDelivery({
      platform,
      kind,
      brandId: b.brandId,
      accountId: b.accounts[platform],
      caption: `Chaos ${tag} ${platform} ${kind}`,
      ytTitle: `Chaos ${tag}`,
      imageExt: "jpg",
    });
    // A container that ends in ERROR (Instagram) or a video that fails processing (Facebook).
    if (d.videoKey && platform !== "youtube" && rng() < (opts.containerErrorRate ?? 0)) {
      const url = `${env.PUBLIC_BASE_URL}/media/${d.videoKey}`;
      badMedia[platform][url] = platform === "instagram" ? { errorSubcode: 2207026 } : { processingError: "The video could not be processed." };
    }
    out.push({ deliveryId: d.deliveryId, platform, kind, tag });
  }
  if (Object.keys(badMedia.instagram).length) await admin(() => ig.seed({ media: badMedia.instagram }));
  if (Object.keys(badMedia.facebook).length) await admin(() => fb.seed({ media: badMedia.facebook }));
  return out;
}

/** Objects on the fakes per delivery tag: media (Instagram), posts and published videos (Facebook), videos (YouTube). */
export async function fakeCounts(deliveries: ChaosDelivery[]): Promise<Map<string, number>> {
  const [ig, fb, yt] = await Promise.all((["instagram", "facebook", "youtube"] as const).map((n) => admin(() => chaosFake(n).state())));
  const texts: string[] = [
    ...Object.values<{ caption?: string }>(ig.media ?? {}).map((m) => m.caption ?? ""),
    ...Object.values<{ message?: string }>(fb.posts ?? {}).map((p) => p.message ?? ""),
    ...Object.values<{ description?: string; publishing?: { status?: string } }>(fb.videos ?? {})
      .filter((v) => v.publishing?.status === "complete")
      .map((v) => v.description ?? ""),
    ...Object.values<{ snippet?: { title?: string } }>(yt.videos ?? {}).map((v) => v.snippet?.title ?? ""),
  ];
  const wanted = new Set(deliveries.map((d) => d.tag));
  const counts = new Map<string, number>();
  for (const text of texts) {
    const tag = /\[c[^\]]+\]/.exec(text)?.[0];
    if (tag && wanted.has(tag)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  return counts;
}
