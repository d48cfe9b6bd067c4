"use client";

import { cx } from "@diffusion-studio/ui";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { PAGE_OF, sendRecipe, sendSource } from "@/hooks/recipe-inbox";
import { readImageRecipe } from "@/shared/image-recipe";

const PAGE_NAMES: Record<string, string> = {
  "/prompts": "Prompts",
  "/edits": "Edits",
  "/illusions": "Illusions",
  "/lab": "Lab",
};

/**
 * Drop a PNG anywhere (or pick one): a PNG the portal made loads its recipe into the right form, without running it;
 * any other image becomes the source image of Edits (or of the Lab when you are there), with a note saying so.
 */
export function RecipeDrop() {
  const router = useRouter();
  const pathname = usePathname();
  const [dragging, setDragging] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "note"; text: string }>();
  const depth = useRef(0);

  const load = async (file: File) => {
    const read = readImageRecipe(new Uint8Array(await file.arrayBuffer()));
    if (read.ok) {
      const page = PAGE_OF[read.meta.recipe.procedure];
      sendRecipe(read.meta.recipe, file.name);
      setMessage({
        tone: "ok",
        text: `Recipe from ${file.name} loaded into ${PAGE_NAMES[page] ?? page} (${read.meta.recipe.procedure}, seed ${read.meta.recipe.seed}). Nothing has run yet.`,
      });
      if (pathname !== page) router.push(page);
      return;
    }
    if (!file.type.startsWith("image/") && read.reason === "not a PNG file") {
      setMessage({ tone: "note", text: `${file.name} is not an image.` });
      return;
    }
    const page = pathname === "/lab" ? "/lab" : "/edits";
    sendSource({
      url: URL.createObjectURL(file),
      note: `${file.name}: ${read.reason}; it is used as the source image.`,
    });
    setMessage({
      tone: "note",
      text: `${file.name} carries no recipe: loaded as the source image in ${PAGE_NAMES[page]}.`,
    });
    if (pathname !== page) router.push(page);
  };
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes("Files");
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current++;
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    };
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      depth.current = 0;
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      void loadRef.current(file);
    };
    window.addEventListener("dragenter", enter);
    window.addEventListener("dragleave", leave);
    window.addEventListener("dragover", over);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragenter", enter);
      window.removeEventListener("dragleave", leave);
      window.removeEventListener("dragover", over);
      window.removeEventListener("drop", drop);
    };
  }, []);

  useEffect(() => {
    if (!message) return;
    const t = setTimeout(() => setMessage(undefined), 12_000);
    return () => clearTimeout(t);
  }, [message]);

  return (
    <>
      {dragging && (
        <div className="pointer-events-none fixed inset-0 z-50 flex items-center justify-center bg-indigo-950/70 p-6">
          <p className="rounded-xl border-2 border-dashed border-indigo-300 px-8 py-10 text-center text-lg text-indigo-100">
            Drop a PNG: its recipe loads into its form (nothing runs).
            <br />
            <span className="text-sm text-indigo-200">An image without a recipe becomes the source image.</span>
          </p>
        </div>
      )}
      {/* The status floats; the button floats only from `sm` up: on a phone a floating button covered the canvases
          while drawing, so there it closes the page instead. */}
      {message && (
        <div className="fixed right-3 bottom-3 z-40 max-w-[min(28rem,calc(100vw-1.5rem))] sm:bottom-14">
          <p
            role="status"
            data-testid="recall-message"
            className={cx(
              "rounded-lg px-3 py-2 text-sm shadow-lg ring-1",
              message.tone === "ok"
                ? "bg-emerald-950 text-emerald-100 ring-emerald-800"
                : "bg-amber-950 text-amber-100 ring-amber-800",
            )}
          >
            {message.text}
          </p>
        </div>
      )}
      <div className="mx-auto mb-6 w-fit sm:fixed sm:right-3 sm:bottom-3 sm:z-40 sm:mb-0">
        <label className="inline-block cursor-pointer rounded-full bg-neutral-800/90 px-3 py-1.5 text-xs text-neutral-300 shadow ring-1 ring-neutral-700 hover:bg-neutral-700">
          Load recipe from PNG…
          <input
            type="file"
            accept="image/png,image/*"
            className="sr-only"
            data-testid="recipe-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file) void load(file);
            }}
          />
        </label>
      </div>
    </>
  );
}
