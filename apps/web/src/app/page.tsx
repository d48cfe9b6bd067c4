import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { ModelOverview } from "./model-overview";

const SECTIONS = [
  {
    href: "/prompts",
    title: "Prompts",
    text: "Text-to-image with classifier-free guidance. Saved, re-runnable, shareable.",
  },
  {
    href: "/edits",
    title: "Edits",
    text: "SDEdit sweeps from a sketch or photo, inpainting with a mask brush, img2img.",
  },
  {
    href: "/illusions",
    title: "Illusions",
    text: "Visual anagrams under flips, rotations and jigsaws; hybrid images.",
  },
  { href: "/lab", title: "Lab", text: "Forward process, blur vs one-step vs iterative denoising, CFG on and off." },
  { href: "/training", title: "Training", text: "Launch runs, watch loss and sample grids live, compare and promote." },
] as const;

export default function Home() {
  return (
    <>
      <PageHeader title="Diffusion Studio">
        Generate, edit and train diffusion models — Berkeley CS180&apos;s “Fun with Diffusion Models” as a tool for the
        team. Pick a section to start.
      </PageHeader>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {SECTIONS.map((s) => (
          <Link
            key={s.href}
            href={s.href}
            className="group rounded-xl border border-neutral-800 bg-neutral-900/60 p-5 transition-colors hover:border-indigo-400/60 hover:bg-neutral-900"
          >
            <h2 className="font-semibold text-white group-hover:text-indigo-200">{s.title} →</h2>
            <p className="mt-1.5 text-sm leading-6 text-neutral-400">{s.text}</p>
          </Link>
        ))}
      </div>
      <div className="mt-10">
        <ModelOverview />
      </div>
    </>
  );
}
