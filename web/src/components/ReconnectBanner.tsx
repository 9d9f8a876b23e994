// Shown on every page while any account needs reconnecting (DESIGN.md §7.1):
// which one, why, and a link to the brand where Reconnect is.
import { useEffect } from "preact/hooks";
import type { AppState } from "../state/app";
import { PLATFORM_LABEL } from "./brands/platforms";
import "./brands/accounts.css";

export function ReconnectBanner({ app }: { app: AppState }) {
  const { brands } = app;
  useEffect(() => {
    if (brands.list.peek() === null) void brands.load();
  }, []);
  const broken = (brands.list.value ?? []).flatMap((b) => b.accounts.filter((a) => a.status === "needs_reconnect").map((a) => ({ brand: b, account: a })));
  if (!broken.length) return null;
  return (
    <div class="reconnect-banner" role="alert">
      <span>{broken.length === 1 ? "An account needs reconnecting:" : `${broken.length} accounts need reconnecting:`}</span>
      {broken.map(({ brand, account }) => (
        <a key={`${brand.id}:${account.platform}`} href={`/brands/${brand.id}`} title={account.statusReason ?? undefined}>
          {PLATFORM_LABEL[account.platform]} for {brand.name}
        </a>
      ))}
    </div>
  );
}
