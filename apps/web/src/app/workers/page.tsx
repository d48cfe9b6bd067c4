import { PageHeader } from "@/components/page-header";
import { WorkersBoard } from "./workers-board";

export default function WorkersPage() {
  return (
    <>
      <PageHeader title="Workers">
        Every worker that takes jobs from this portal&apos;s queues: the portal&apos;s own worker host and any{" "}
        <code>pnpm worker</code> on another host. See what each runs now, how many jobs wait per queue, and send jobs
        that failed every attempt back to their queue.
      </PageHeader>
      <WorkersBoard />
    </>
  );
}
