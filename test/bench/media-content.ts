// The reel both media benches render: a title card and four slide texts, so a
// 15-second reel of 5 slides at 3 s each.
import type { BrandColors } from "../../worker/contract/schemas";
import { reelLayouts, type SlideBrand } from "../../worker/media/layouts";
import type { Layout } from "../../worker/media/render-layout";
import { palette } from "../../worker/media/theme";

export const BENCH_COLORS: BrandColors = {
  primary: "#0f766e",
  accent: "#f97316",
  light: { bg: "#f8fafc", fg: "#0f172a" },
  dark: { bg: "#0b1120", fg: "#e2e8f0" },
};

const brand: SlideBrand = { name: "Daily Focus", handle: "dailyfocus", logo: null };
const texts = [
  "Plan tomorrow before you close the laptop: three tasks, no more.",
  "Put your phone in another room for the first hour of deep work.",
  "Batch email twice a day — 11:00 and 16:00 — and close the tab in between.",
  "End the week with a ten-minute review: what moved, what stalled, what's next? ✅",
];

export function benchReelLayouts(): Layout[] {
  const p = palette(BENCH_COLORS, "dark");
  return reelLayouts(brand, p, "Four habits for a calmer, more focused work week", texts);
}

export const BENCH_SECONDS_PER_SLIDE = 3;
