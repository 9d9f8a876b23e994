// The brand's content brief (API.md `Brief`): niche, audience, tone,
// language, topics, topics to avoid, banned words, hashtags to always use, and
// how many reels and posts the daily burst proposes. Both writers follow it.
import { useEffect, useState } from "preact/hooks";
import { BRIEF_LANGUAGES, writerLanguageHint } from "../../../../worker/contract/languages";
import type { Brand, BriefInput } from "../../api/types";
import type { BrandsModel } from "../../state/brands";
import { Field, InlineError } from "../ui";

/** "a, b;\nc" → ["a", "b", "c"]: one entry per comma, semicolon or line. */
const toList = (text: string) =>
  text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
const fromList = (list: string[]) => list.join(", ");
/** Blank means "the workspace's default". */
const toCount = (text: string) => (text.trim() === "" ? null : Number(text));

interface Draft {
  niche: string;
  audience: string;
  tone: string;
  language: string;
  topics: string;
  avoid: string;
  bannedWords: string;
  hashtags: string;
  reelsPerDay: string;
  postsPerDay: string;
}

function draftOf(brand: Brand): Draft {
  const b = brand.brief;
  return {
    niche: b.niche,
    audience: b.audience,
    tone: b.tone,
    language: b.language,
    topics: fromList(b.topics),
    avoid: fromList(b.avoid),
    bannedWords: fromList(b.bannedWords),
    hashtags: b.hashtags.join(" "),
    reelsPerDay: b.reelsPerDay == null ? "" : String(b.reelsPerDay),
    postsPerDay: b.postsPerDay == null ? "" : String(b.postsPerDay),
  };
}

export function BriefEditor({ brands, brand, canEdit }: { brands: BrandsModel; brand: Brand; canEdit: boolean }) {
  const [d, setD] = useState(() => draftOf(brand));
  useEffect(() => setD(draftOf(brand)), [brand]);
  const key = brand.id;
  const e = brands.formErrors.value[key];
  const f = e?.fields ?? {};
  const err = (name: string) => f[`brief.${name}`] ?? Object.entries(f).find(([k]) => k.startsWith(`brief.${name}.`))?.[1];
  const text = (name: keyof Draft, label: string, hint?: string, area = false) => (
    <Field id={`br-${name}-${brand.id}`} label={label} error={err(name)} hint={hint}>
      {(id, described) =>
        area ? (
          <textarea id={id} rows={2} value={d[name]} aria-describedby={described} disabled={!canEdit} onInput={(x) => setD({ ...d, [name]: x.currentTarget.value })} />
        ) : (
          <input id={id} value={d[name]} aria-describedby={described} disabled={!canEdit} onInput={(x) => setD({ ...d, [name]: x.currentTarget.value })} />
        )
      }
    </Field>
  );
  return (
    <form
      class="card"
      aria-labelledby={`brief-h-${brand.id}`}
      onSubmit={(ev) => {
        ev.preventDefault();
        const brief: BriefInput = {
          niche: d.niche,
          audience: d.audience,
          tone: d.tone,
          language: d.language.trim() || "en",
          topics: toList(d.topics),
          avoid: toList(d.avoid),
          bannedWords: toList(d.bannedWords),
          hashtags: d.hashtags.split(/[\s,]+/).filter(Boolean),
          reelsPerDay: toCount(d.reelsPerDay),
          postsPerDay: toCount(d.postsPerDay),
        };
        void brands.update(brand.id, { brief });
      }}
    >
      <h2 id={`brief-h-${brand.id}`}>Content brief</h2>
      <p class="muted">Both writers follow it. Nothing it bans reaches a title, caption, slide or hashtag.</p>
      <div class="form-grid">
        {text("niche", "Niche", "e.g. food and cooking, personal finance, fitness, travel")}
        {text("audience", "Audience")}
        {text("tone", "Tone")}
        <Field id={`br-language-${brand.id}`} label="Language" error={err("language")} hint={writerLanguageHint(d.language) ?? undefined}>
          {(id, described) => (
            <select id={id} value={d.language} aria-describedby={described} disabled={!canEdit} onChange={(x) => setD({ ...d, language: x.currentTarget.value })}>
              {/* The languages slides render (Latin, Cyrillic, Greek, CJK scripts); a stored tag like pt-BR stays selectable. */}
              {!(d.language in BRIEF_LANGUAGES) && <option value={d.language}>{d.language}</option>}
              {Object.entries(BRIEF_LANGUAGES).map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text("topics", "Topics to cover", "Separate with commas.", true)}
        {text("avoid", "Topics to avoid", "Separate with commas.", true)}
        {text("bannedWords", "Banned words", "Separate with commas.", true)}
        {text("hashtags", "Hashtags to always use", "e.g. #quickkitchen #eatwell")}
        <Field id={`br-reels-${brand.id}`} label="Reels a day" error={err("reelsPerDay")} hint="Blank: the workspace's default.">
          {(id, described) => (
            <input id={id} type="number" min={0} max={24} value={d.reelsPerDay} aria-describedby={described} disabled={!canEdit} onInput={(x) => setD({ ...d, reelsPerDay: x.currentTarget.value })} />
          )}
        </Field>
        <Field id={`br-posts-${brand.id}`} label="Posts a day" error={err("postsPerDay")} hint="Blank: the workspace's default.">
          {(id, described) => (
            <input id={id} type="number" min={0} max={24} value={d.postsPerDay} aria-describedby={described} disabled={!canEdit} onInput={(x) => setD({ ...d, postsPerDay: x.currentTarget.value })} />
          )}
        </Field>
      </div>
      {canEdit && (
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={brands.busy.value === key}>
            Save brief
          </button>
          <InlineError message={e?.message} />
        </div>
      )}
    </form>
  );
}
