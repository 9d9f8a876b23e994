// Connected accounts per platform, with status and (re)connect.
import { useState } from "preact/hooks";
import type { Brand, Platform } from "../../api/types";
import type { BrandsModel } from "../../state/brands";
import { Field, InlineError } from "../ui";

const PLATFORMS: Platform[] = ["instagram", "facebook", "youtube", "sandbox"];

export function Accounts({ brands, brand, canEdit }: { brands: BrandsModel; brand: Brand; canEdit: boolean }) {
  const [open, setOpen] = useState<Platform | null>(null);
  return (
    <section class="card" aria-labelledby="acc-h">
      <h2 id="acc-h">Connected accounts</h2>
      <ul class="accounts">
        {PLATFORMS.map((p) => {
          const a = brand.accounts.find((x) => x.platform === p);
          const e = brands.formErrors.value[`${brand.id}:${p}`];
          return (
            <li key={p}>
              <div class="row-inline wrap">
                <span class="platform">{p}</span>
                {a ? (
                  a.status === "connected" ? (
                    <span class="badge tone-published">connected · {a.externalId}</span>
                  ) : (
                    <span class="badge tone-failed">needs reconnect</span>
                  )
                ) : (
                  <span class="badge tone-missed">not connected</span>
                )}
                {canEdit && (
                  <button type="button" class="btn btn-small" aria-expanded={open === p} onClick={() => setOpen(open === p ? null : p)}>
                    {a ? "Reconnect" : "Connect"}
                  </button>
                )}
                {canEdit && a && (
                  <button type="button" class="btn btn-small btn-danger" onClick={() => brands.disconnect(brand.id, p)}>
                    Disconnect
                  </button>
                )}
              </div>
              {a?.statusReason && <p class="inline-error">{a.statusReason}</p>}
              {open === p && (
                <form
                  class="account-form"
                  onSubmit={async (ev) => {
                    ev.preventDefault();
                    const fd = new FormData(ev.currentTarget as HTMLFormElement);
                    const ok = await brands.connect(brand.id, p, {
                      externalId: String(fd.get("externalId") ?? ""),
                      accessToken: String(fd.get("accessToken") ?? ""),
                    });
                    if (ok !== null) setOpen(null);
                  }}
                >
                  <Field id={`${p}-ext`} label={p === "youtube" ? "Channel id" : p === "sandbox" ? "Sandbox name" : "Account id"} error={e?.fields["externalId"]}>
                    {(id) => <input id={id} name="externalId" required defaultValue={a?.externalId ?? (p === "sandbox" ? brand.slug : "")} />}
                  </Field>
                  <Field id={`${p}-tok`} label="Access token" error={e?.fields["accessToken"]} hint="Stored encrypted; never shown again.">
                    {(id, d) => <input id={id} name="accessToken" type="password" required aria-describedby={d} defaultValue={p === "sandbox" ? "sandbox" : ""} />}
                  </Field>
                  <button type="submit" class="btn btn-primary btn-small">
                    Save account
                  </button>
                </form>
              )}
              <InlineError message={e?.message} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
