// Small shared pieces: status badges, type icons, alerts, fields.
import type { ComponentChildren, JSX } from "preact";
import type { ContentType, Creator, Variant } from "../api/types";

export const STATUS_LABEL: Record<string, string> = {
  scheduled: "Scheduled",
  publishing: "Publishing",
  published: "Published",
  partial: "Partly published",
  failed: "Failed",
  missed: "Missed",
  pending: "Pending",
  queued: "Queued",
  skipped: "Skipped",
  generating: "Generating",
  ready: "Ready",
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span class={`badge tone-${status}`}>
      <span class="dot" aria-hidden="true" />
      {label ?? STATUS_LABEL[status] ?? status}
    </span>
  );
}

const TYPE_LABEL: Record<Variant, string> = { light: "Reel (light)", dark: "Reel (dark)", post: "Post" };

/** Reel light: outlined play frame; reel dark: filled play frame; post: stacked slides. */
export function TypeIcon({ variant }: { variant: Variant }) {
  const label = TYPE_LABEL[variant];
  return (
    <svg class={`type-icon type-${variant}`} viewBox="0 0 16 16" width="14" height="14" role="img" aria-label={label}>
      <title>{label}</title>
      {variant === "post" ? (
        <>
          <rect x="4" y="1.5" width="10" height="10" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.4" />
          <path d="M2 4.5v8.5a1.5 1.5 0 0 0 1.5 1.5H12" fill="none" stroke="currentColor" stroke-width="1.4" />
        </>
      ) : (
        <>
          <rect x="3" y="1" width="10" height="14" rx="2" fill={variant === "dark" ? "currentColor" : "none"} stroke="currentColor" stroke-width="1.4" />
          <path d="M6.5 5.5v5l4-2.5z" fill={variant === "dark" ? "#fff" : "currentColor"} />
        </>
      )}
    </svg>
  );
}

/** The same three marks drawn by CSS (no SVG nodes): used where hundreds render at once. */
export function TypeMark({ variant }: { variant: Variant }) {
  return <span class={`type-mark tm-${variant}`} role="img" aria-label={TYPE_LABEL[variant]} />;
}

export const contentLabel = (t: ContentType) => (t === "reel" ? "Reel" : "Post");

export function CreatorTag({ creator }: { creator: Creator }) {
  return creator.kind === "automation" ? (
    <span class="creator creator-auto" title="Created by automation">
      Automation
    </span>
  ) : (
    <span class="creator" title={`Created by ${creator.name}`}>
      {creator.name}
    </span>
  );
}

export function Alert({ children, kind = "error", id }: { children: ComponentChildren; kind?: "error" | "info" | "success"; id?: string }) {
  if (!children) return null;
  return (
    <div id={id} class={`alert alert-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}

export function InlineError({ message, id }: { message?: string | null; id?: string }) {
  return message ? (
    <p class="inline-error" id={id} role="alert">
      {message}
    </p>
  ) : null;
}

export function Field(props: { label: string; error?: string; hint?: string; children: (id: string, describedBy?: string) => JSX.Element; id: string }) {
  const errId = props.error ? `${props.id}-err` : undefined;
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  const describedBy = [errId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${props.error ? " has-error" : ""}`}>
      <label for={props.id}>{props.label}</label>
      {props.children(props.id, describedBy)}
      {props.hint && (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="inline-error" id={errId}>
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children && <div class="empty-body">{children}</div>}
    </div>
  );
}

export function Spinner({ label = "Loading…" }: { label?: string }) {
  return (
    <p class="loading" role="status">
      {label}
    </p>
  );
}

/** A brand filter's options: "All brands" (the empty value), then each brand by name. */
export function BrandOptions({ brands, all = "All brands" }: { brands: ReadonlyArray<{ id: string; name: string }>; all?: string | null }) {
  return (
    <>
      {all !== null && <option value="">{all}</option>}
      {brands.map((b) => (
        <option key={b.id} value={b.id}>
          {b.name}
        </option>
      ))}
    </>
  );
}
