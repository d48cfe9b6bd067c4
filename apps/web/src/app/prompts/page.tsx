import { Suspense } from "react";
import { PageHeader } from "@/components/page-header";
import { PromptsForm } from "./prompts-form";

export default function PromptsPage() {
  return (
    <>
      <PageHeader title="Prompts">
        Text-to-image: write one prompt per line and sample with classifier-free guidance. Every generation is saved
        with its full recipe; re-run it for the same bytes, share its link, or pick two to compare.
      </PageHeader>
      <Suspense>
        <PromptsForm />
      </Suspense>
    </>
  );
}
