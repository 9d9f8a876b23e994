// How platforms are named on screen.
import type { Platform } from "../../api/types";

export const PLATFORM_LABEL: Record<Platform, string> = {
  instagram: "Instagram",
  facebook: "Facebook Page",
  youtube: "YouTube",
  sandbox: "Sandbox",
};

export const shortDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
