// A brand's colours (BrandColors, API.md) turned into the palette a layout
// paints with, for the light or the dark variant. Accents that would not read
// on the background (WCAG contrast below 3:1) fall back to the text colour.
import type { BrandColors } from "../contract/schemas";

export type Theme = "light" | "dark";

export interface Palette {
  bg: string;
  fg: string;
  /** Secondary text: the text colour at reduced opacity. */
  muted: string;
  /** Bars, counters, highlights. */
  accent: string;
  /** A filled panel (logo monogram, YouTube side block) and the colour on it. */
  panel: string;
  onPanel: string;
}

function channels(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Relative luminance (WCAG 2.x). */
export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function withAlpha(hex: string, alpha: number): string {
  const [r, g, b] = channels(hex);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

export function palette(colors: BrandColors, theme: Theme): Palette {
  const { bg, fg } = colors[theme];
  const readable = (c: string) => contrast(c, bg) >= 3;
  const accent = [colors.accent, colors.primary].find(readable) ?? fg;
  const panel = colors.primary;
  const onPanel = contrast("#ffffff", panel) >= contrast("#111111", panel) ? "#ffffff" : "#111111";
  return { bg, fg, muted: withAlpha(fg, 0.68), accent, panel, onPanel };
}
