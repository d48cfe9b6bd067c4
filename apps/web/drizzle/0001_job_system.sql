CREATE TABLE "files" (
	"key" text PRIMARY KEY NOT NULL,
	"bytes" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"event" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "queue" text;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "job_id" text;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "worker" text;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "queue" text;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "job_id" text;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "worker" text;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "step" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "total_steps" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "last_loss" real;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "memory_mb" integer;--> statement-breakpoint
CREATE INDEX "job_events_job_id_id" ON "job_events" USING btree ("job_id","id");