ALTER TABLE `account_candidates` ADD `insights_access` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `warning` text;--> statement-breakpoint
CREATE UNIQUE INDEX `platform_accounts_platform_external` ON `platform_accounts` (`platform`,`external_id`) WHERE "platform_accounts"."external_id" != '' AND "platform_accounts"."platform" != 'sandbox';