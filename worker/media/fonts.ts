// The fonts bundled with the media Worker (worker/media/fonts, SIL OFL 1.1:
// see the OFL-*.txt files there): Inter in the subsets that cover Latin (with
// Latin Extended and Vietnamese), Cyrillic and Greek, at the two weights the
// layouts use. CJK and symbol fonts are not bundled: they load on demand
// (ondemand-fonts.ts), and emoji are Twemoji pictures (additional-assets.ts).
// satori reads WOFF but not WOFF2. It keeps one font per family name (the
// closest weight) and falls back family by family for glyphs the text's family
// lacks, so every subset file gets a family name of its own.

export const FONT_FAMILY = "Inter";

export interface FontFile {
  file: string;
  name: string;
  weight: 400 | 800;
}

/** @fontsource/inter 5.3.0 subsets; "latin" is the family the layouts name, the rest are its fallbacks. */
export const INTER_SUBSETS = ["latin", "latin-ext", "vietnamese", "cyrillic", "cyrillic-ext", "greek", "greek-ext"] as const;

export const FONT_FILES: readonly FontFile[] = INTER_SUBSETS.flatMap((subset) =>
  ([800, 400] as const).map((weight) => ({ file: `inter-${subset}-${weight}-normal.woff`, name: subset === "latin" ? FONT_FAMILY : `${FONT_FAMILY} ${subset}`, weight })),
);
