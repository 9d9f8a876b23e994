ALTER TABLE `proposals` ADD `arm_topic` text;--> statement-breakpoint
ALTER TABLE `proposals` ADD `arm_hook` text;