import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

export class BrandScheduler extends DurableObject<Env> {}
