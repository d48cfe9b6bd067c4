import { Suspense } from "react";
import { PageHeader } from "@/components/page-header";
import { EditsWorkbench } from "./edits-workbench";

export default function EditsPage() {
  return (
    <>
      <PageHeader title="Edits">
        SDEdit projects a sketch or photo back onto the image manifold: noise it to level i_start, then denoise. Low
        i_start starts from heavy noise and invents more; high i_start starts near the source and stays close to it.
        Inpainting regenerates only the painted region; text-conditional image-to-image steers the edit with a prompt.
      </PageHeader>
      <Suspense>
        <EditsWorkbench />
      </Suspense>
    </>
  );
}
