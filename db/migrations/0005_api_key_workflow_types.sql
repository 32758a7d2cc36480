-- API keys scoped to workflow types (issue 7): a service's key sees and starts only its own
-- kinds of operation; asking for another type's operation by id answers like a missing one.
-- NULL keeps a key (the bootstrap key included) valid for every type.
ALTER TABLE "api_keys" ADD COLUMN "workflow_types" text[];--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "created_by" text;