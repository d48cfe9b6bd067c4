import Link from "next/link";
import { Suspense } from "react";
import { PageHeader } from "@/components/page-header";
import { LabWorkbench } from "./lab-workbench";

export default function LabPage() {
  return (
    <>
      <PageHeader title="Lab">
        The course&apos;s sampling loops on the chosen model: the forward process at chosen t, classical Gaussian blur
        against one-step and iterative denoising (with every 5th intermediate), and sampling from pure noise with and
        without classifier-free guidance; and the model&apos;s samplers side by side on one seed, each at its own number
        of model evaluations.{" "}
        <Link href="/lab/grid" className="text-indigo-300 hover:underline">
          Parameter grid →
        </Link>{" "}
        sweeps γ, steps, seed or the model and shows the results side by side.
      </PageHeader>
      <Suspense>
        <LabWorkbench />
      </Suspense>
    </>
  );
}
