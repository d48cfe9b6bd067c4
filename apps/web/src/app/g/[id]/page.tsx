import { PageHeader } from "@/components/page-header";
import { SharedGeneration } from "./shared-generation";

/** A shareable link to one saved generation. */
export default async function SharedGenerationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <PageHeader title="Shared result">Everything needed to reproduce it is in the recipe below.</PageHeader>
      <SharedGeneration id={id} />
    </>
  );
}
