CREATE TABLE `youtube_metrics_units` (
	`day` text PRIMARY KEY NOT NULL,
	`units` integer DEFAULT 0 NOT NULL
);
