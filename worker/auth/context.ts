import type { Db } from "../db/client";
import type { Env } from "../env";

export type Role = "owner" | "editor" | "viewer";

/** Who is acting, for which workspace. Every service call takes this, never a bare user id. */
export interface Actor {
  kind: "user" | "automation";
  userId: string | null;
  userName: string;
  workspaceId: string;
  role: Role;
  via: "session" | "token" | "system";
}

export interface AppVariables {
  db: Db;
  actor: Actor;
  sessionHash?: string;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };

export function automationActor(workspaceId: string): Actor {
  return { kind: "automation", userId: null, userName: "Automation", workspaceId, role: "owner", via: "system" };
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, owner: 2 };
export const roleAtLeast = (role: Role, min: Role) => RANK[role] >= RANK[min];
