import { Suspense } from "react";
import { PageHeader } from "@/components/page-header";
import { GridWorkbench } from "./grid-workbench";

export default function GridPage() {
  return (
    <>
      <PageHeader title="Parameter grid">
        Sweep one or two parameters of a prompt&apos;s recipe (CFG γ, steps, seed, sampler, model) and compare the
        results side by side: every combination runs as its own job, the cells fill in as they finish, and the whole
        grid downloads as one labelled PNG carrying its recipe.
      </PageHeader>
      <Suspense>
        <GridWorkbench />
      </Suspense>
    </>
  );
}
