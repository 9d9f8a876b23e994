// Renders a layout whose texts are sized to their boxes: sizes come from the
// estimate in text-fit.ts, then satori's own layout is checked and any text
// that came out taller than its box is shrunk (or cut) and laid out again.
// Boxes also clip (overflow: hidden), so no glyph can leave its box whatever
// the fonts do.
import type { Element } from "./element";
import { rasterize, renderSvg, type RenderedImage } from "./image-runtime";
import { fitText, truncateToFit, type TextBox } from "./text-fit";

export interface FittedText {
  size: number;
  text: string;
}

export interface Layout {
  width: number;
  height: number;
  /** Texts to fit, by key; build() must wrap each in keyed(key, …) at its natural height. */
  texts: Record<string, { text: string; box: TextBox }>;
  build(fitted: Record<string, FittedText>): Element;
}

const MAX_PASSES = 4;

export interface RenderLayoutOptions {
  /** The brand's language (brief tag): which Han font CJK text is drawn in. */
  language?: string | null;
}

export async function renderLayout(layout: Layout, opts: RenderLayoutOptions = {}): Promise<RenderedImage> {
  const fitted: Record<string, FittedText> = {};
  for (const [key, { text, box }] of Object.entries(layout.texts)) fitted[key] = fitText(text, box);

  let svg = "";
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const measured = new Map<string, number>();
    svg = await renderSvg(layout.build(fitted), layout.width, layout.height, {
      language: opts.language,
      onNode: (node) => {
        if (typeof node.key === "string" && node.key in fitted) measured.set(node.key, node.height);
      },
    });
    let overflow = false;
    for (const [key, { box }] of Object.entries(layout.texts)) {
      const height = measured.get(key);
      const current = fitted[key]!;
      if (height === undefined || height <= box.height + 0.5) continue;
      overflow = true;
      if (current.size > box.minSize) {
        const size = Math.floor(current.size * Math.min(0.94, Math.sqrt(box.height / height)));
        fitted[key] = { size: Math.max(box.minSize, size), text: current.text };
      } else {
        // Already at the smallest size: keep the share of the text that fitted.
        const shorter = { ...box, height: (box.height * box.height) / height };
        fitted[key] = { size: current.size, text: truncateToFit(current.text.replace(/…$/, ""), current.size, shorter) };
      }
    }
    if (!overflow) break;
  }
  return rasterize(svg);
}
