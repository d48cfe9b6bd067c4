import { Suspense } from "react";
import { PageHeader } from "@/components/page-header";
import { IllusionsWorkbench } from "./illusions-workbench";

export default function IllusionsPage() {
  return (
    <>
      <PageHeader title="Illusions">
        Visual anagrams read as a different prompt under each view (flipped, rotated, negated, skewed, shuffled as a
        jigsaw): every step averages the noise estimates of all views. Hybrid images show one prompt up close and
        another from afar by combining the low frequencies of one estimate with the high frequencies of the other.
      </PageHeader>
      <Suspense>
        <IllusionsWorkbench />
      </Suspense>
    </>
  );
}
