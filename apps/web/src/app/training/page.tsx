import Link from "next/link";
import { Suspense } from "react";
import { PageHeader } from "@/components/page-header";
import { TrainingDashboard } from "./training-dashboard";

export default function TrainingPage() {
  return (
    <>
      <PageHeader title="Training">
        Launch a trainer configuration with overrides; runs wait their turn in the training queue and run on a{" "}
        <Link href="/workers" className="underline">
          worker
        </Link>
        , and a run whose worker stops resumes from its last checkpoint. Watch the loss and per-epoch sample grids live,
        compare runs, and promote a finished run&apos;s model so the galleries can use it.
      </PageHeader>
      <Suspense>
        <TrainingDashboard />
      </Suspense>
    </>
  );
}
