// The generate consumer's media step (MediaStep): the output's render input,
// rendered by the renderer it is given (the media Worker behind
// MEDIA_RENDERER, renderer.ts), then the previous render's media that nothing
// uses any more is removed. Removal reads D1, which the media Worker
// does not have, so it happens here, in the API Worker.
// This file imports the renderer's types only, so the API bundle stays free of
// satori, resvg and the video encoder.
import type { BrandColors } from "../contract/schemas";
import type { Env } from "../env";
import type { MediaStep, OutputContext } from "../generation/generate-output";
import type { RenderedOutputKeys, RenderOutputInput } from "./render-output";
import type { Renderer } from "./renderer";
import { deleteUnreferenced } from "./storage";

export function renderInputOf(ctx: OutputContext, content: { title: string; caption: string; slideTexts: string[] }): RenderOutputInput {
  return {
    workspaceId: ctx.workspaceId,
    outputId: ctx.outputId,
    variant: ctx.variant,
    brand: {
      name: ctx.brand.name,
      handle: ctx.brand.handle,
      colors: JSON.parse(ctx.brand.colors) as BrandColors,
      logoKey: ctx.brand.logoKey,
      musicKey: ctx.brand.musicKey,
      language: ctx.brief.language,
    },
    title: content.title,
    slideTexts: content.slideTexts,
    caption: content.caption,
  };
}

export function keysOf(keys: RenderedOutputKeys): string[] {
  const { thumbnailKey, ytThumbnailKey, videoKey, coverKey, publishCoverKey } = keys;
  return [thumbnailKey, ytThumbnailKey, videoKey, coverKey, publishCoverKey, ...(keys.slideKeys ?? []), ...(keys.publishSlideKeys ?? [])].filter(
    (k): k is string => !!k,
  );
}

export function createMediaStep(render: Renderer): MediaStep {
  return async (env, ctx, content) => {
    const keys = await render(env, renderInputOf(ctx, content));
    const current = new Set(keysOf(keys));
    try {
      // The output's row still holds its old keys until the caller stores these: it does not count as a user.
      await deleteUnreferenced(env, ctx.workspaceId, ctx.previousKeys.filter((k) => !current.has(k)), ctx.outputId);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`Media failed while removing the previous render's media: ${reason}`);
    }
    return keys;
  };
}
