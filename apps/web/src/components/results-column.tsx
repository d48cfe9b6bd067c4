"use client";

import { Panel } from "@diffusion-studio/ui";
import { BrowserRunPanel } from "@/browser/browser-run-progress";
import type { RunHere } from "@/browser/use-browser-run";
import { GenerationList } from "@/components/generation-list";
import { JobProgress } from "@/components/job-progress";
import type { Procedure } from "@/shared/recipes";

export interface ResultsColumnProps {
  /** The form's in-browser run, shown while it runs. */
  readonly here: RunHere;
  /** The job the form last submitted, followed live. */
  readonly jobId: string | undefined;
  /** The procedures whose saved results the history lists. */
  readonly procedures: Procedure[];
  readonly runningTitle?: string;
  readonly imageSize?: number;
}

/** A workbench's right-hand column: the run in this browser, the submitted job's live progress, then the history. */
export function ResultsColumn({ here, jobId, procedures, runningTitle = "Running", imageSize }: ResultsColumnProps) {
  return (
    <div className="flex min-w-0 flex-col gap-6">
      <BrowserRunPanel here={here} imageSize={imageSize} />
      {jobId && (
        <Panel title={runningTitle}>
          <JobProgress id={jobId} />
        </Panel>
      )}
      <GenerationList procedures={procedures} imageSize={imageSize} />
    </div>
  );
}
