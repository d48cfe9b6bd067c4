CREATE TABLE "grids" (
	"id" text PRIMARY KEY NOT NULL,
	"base" jsonb NOT NULL,
	"axes" jsonb NOT NULL,
	"cells" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "grid_id" text;