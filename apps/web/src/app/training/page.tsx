import { Suspense } from "react";
import { PageHeader } from "@/components/page-header";
import { TrainingDashboard } from "./training-dashboard";

export default function TrainingPage() {
  return (
    <>
      <PageHeader title="Training">
        Launch a trainer configuration with overrides; runs execute as their own processes and keep going when the
        portal restarts. Watch the loss and per-epoch sample grids live, compare runs, and promote a finished run&apos;s
        model so the galleries can use it.
      </PageHeader>
      <Suspense>
        <TrainingDashboard />
      </Suspense>
    </>
  );
}
