import { Notice } from "@diffusion-studio/ui";
import { PageHeader } from "@/components/page-header";

export default function TrainingPage() {
  return (
    <>
      <PageHeader title="Training">
        Launch a trainer configuration with overrides; runs execute as their own processes and keep going when the
        portal restarts. Watch the loss and per-epoch sample grids live, compare runs, and promote a finished run&apos;s
        model so the galleries can use it.
      </PageHeader>
      <Notice tone="warning" title="Training runs are not available yet">
        The trainer&apos;s run API has not landed in this build.
      </Notice>
    </>
  );
}
