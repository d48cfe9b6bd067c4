CREATE TABLE "generations" (
	"id" text PRIMARY KEY NOT NULL,
	"procedure" text NOT NULL,
	"model_id" text NOT NULL,
	"recipe" jsonb NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"images" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "promoted_models" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"run_id" text NOT NULL,
	"dir" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"config" text NOT NULL,
	"overrides" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text NOT NULL,
	"run_dir" text NOT NULL,
	"pid" integer,
	"error" text,
	"promoted_model_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "uploads" (
	"id" text PRIMARY KEY NOT NULL,
	"path" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"format" text NOT NULL,
	"bytes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
