ALTER TABLE `sandbox_posts` ADD `brand_id` text REFERENCES brands(id) ON DELETE cascade;--> statement-breakpoint
CREATE INDEX `sandbox_posts_brand` ON `sandbox_posts` (`brand_id`);--> statement-breakpoint
CREATE INDEX `rate_limits_window` ON `rate_limits` (`window_start`);--> statement-breakpoint
CREATE INDEX `sessions_expires` ON `sessions` (`expires_at`);
-- hand-written: drizzle-kit leaves ON DELETE out of ALTER TABLE … ADD … REFERENCES (added above, as in
-- the snapshot). Existing sandbox posts take their brand from their delivery's schedule; a post whose
-- delivery is gone lost its brand already (deliveries go only with their schedule's brand, job or
-- workspace), so its page goes now, as it would have with the brand.
UPDATE sandbox_posts SET brand_id = (
  SELECT s.brand_id FROM deliveries d JOIN schedules s ON s.id = d.schedule_id WHERE d.id = sandbox_posts.delivery_id
) WHERE brand_id IS NULL;
DELETE FROM sandbox_posts WHERE brand_id IS NULL;
