-- JPEG variants of an output's images for platforms that take JPEG only
-- (Instagram, PLATFORMS.md §1.6): the reel cover or post cover, and (posts)
-- every carousel image, cover first, as a JSON string[] of R2 keys.
ALTER TABLE `job_outputs` ADD `publish_cover_key` text;--> statement-breakpoint
ALTER TABLE `job_outputs` ADD `publish_slide_keys` text;
