export default function Home() {
  return (
    <main className="mx-auto max-w-5xl px-6 py-16">
      <h1 className="text-3xl font-semibold tracking-tight">Diffusion Studio</h1>
      <p className="mt-3 text-neutral-400">
        Generate, edit and train diffusion models. The galleries, sampling lab and training dashboard arrive as their
        packages land.
      </p>
    </main>
  );
}
