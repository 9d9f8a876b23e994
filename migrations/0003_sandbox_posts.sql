-- The sandbox platform (issue 7): "publishing" to it writes one row per
-- delivery. UNIQUE(delivery_id) makes a repeated publish find the first post
-- instead of making a second one (exactly once, like a real platform's
-- recovery lookup).
CREATE TABLE `sandbox_posts` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`workspace_id` text NOT NULL,
	`kind` text NOT NULL,
	`caption` text NOT NULL,
	`title` text NOT NULL,
	`video_key` text,
	`cover_key` text,
	`slide_keys` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sandbox_posts_delivery` ON `sandbox_posts` (`delivery_id`);
