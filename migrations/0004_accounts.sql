-- Accounts (issue 8): OAuth connect flows, candidates to pick from, Meta's
-- deauthorisation and data-deletion callbacks.
-- A connect flow's one-time state: only its SHA-256 is stored; the PKCE
-- verifier is sealed (worker/accounts/sealing.ts) with the state hash as additional data.
CREATE TABLE `oauth_states` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`session_hash` text,
	`workspace_id` text NOT NULL,
	`brand_id` text NOT NULL,
	`platform` text NOT NULL,
	`provider` text NOT NULL,
	`verifier` text,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`brand_id`) REFERENCES `brands`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `oauth_states_expires` ON `oauth_states` (`expires_at`);--> statement-breakpoint
-- One grant covering several Pages, Instagram accounts or channels: the
-- account waits in pending_selection with these; credentials sealed for the account's id.
CREATE TABLE `account_candidates` (
	`account_id` text NOT NULL,
	`external_id` text NOT NULL,
	`name` text,
	`login_via` text,
	`credentials` text NOT NULL,
	`expires_at` integer,
	PRIMARY KEY(`account_id`, `external_id`),
	FOREIGN KEY (`account_id`) REFERENCES `platform_accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Meta's data-deletion callback answers with a code; its status page reads this.
CREATE TABLE `meta_deletions` (
	`code` text PRIMARY KEY NOT NULL,
	`meta_user_id` text NOT NULL,
	`accounts` integer NOT NULL,
	`completed_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `platform_accounts` ADD `connected_at` integer;--> statement-breakpoint
UPDATE `platform_accounts` SET `connected_at` = `updated_at` WHERE `connected_at` IS NULL;--> statement-breakpoint
-- The app-scoped Meta user who granted access: deauthorisation callbacks name only this.
ALTER TABLE `platform_accounts` ADD `meta_user_id` text;--> statement-breakpoint
CREATE INDEX `platform_accounts_meta_user` ON `platform_accounts` (`meta_user_id`);--> statement-breakpoint
CREATE INDEX `platform_accounts_expires` ON `platform_accounts` (`status`,`expires_at`);
