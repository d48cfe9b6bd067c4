// Non-model overhead per sampling step: everything a step does except the model call (batching branches, CFG,
// inverse views, the sampler step, noise, validation, progress). The model is a stub that returns a cached tensor.
// Run: pnpm --filter @diffusion-studio/core bench   (builds first; imports the built package)
import {
  ancestralDdpmSampler,
  courseSampler,
  FlowEulerSampler,
  flipView,
  hybridImage,
  identityView,
  Rng,
  sample,
  visualAnagram,
} from "../dist/index.js";

// Measured with tooling/scheduler-fixtures/model_call_time.py: the part B class-conditional UNet (D = 64, 2.02 M
// params), batch 80 × 1×28×28, torch 2.15 CPU, 2 threads, on this project's 2-core machine.
const MNIST_UNET_CPU_MS = 2248;

function stubDenoiser(info) {
  const cache = new Map();
  const tensor = (shape) => {
    const key = shape.join("x");
    if (!cache.has(key)) {
      const g = new Rng(7).gaussian(shape);
      cache.set(key, { shape, data: g.data.map((v) => Math.tanh(v)) });
    }
    return cache.get(key);
  };
  return {
    info,
    predict: async ({ x }) => ({
      kind: info.prediction,
      prediction: tensor(x.shape),
      variance: info.learnedVariance ? tensor(x.shape) : undefined,
    }),
  };
}

async function perStepMs(run, steps, repeats = 5) {
  await run(); // warm up the JIT
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await run();
    times.push((performance.now() - t0) / steps);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const IF = { channels: 3, height: 64, width: 64, prediction: "epsilon", time: "discrete", learnedVariance: true };
const MNIST_EPS = {
  channels: 1,
  height: 28,
  width: 28,
  prediction: "epsilon",
  time: "discrete",
  learnedVariance: false,
};
const MNIST_FLOW = { ...MNIST_EPS, prediction: "velocity", time: "continuous" };
const photo = { prompt: "a high quality photo" };
const labels = Array.from({ length: 40 }, (_, i) => ({ classLabel: Math.floor(i / 4) }));

const rows = [];
async function bench(name, modelBatch, steps, run, referenceMs) {
  const ms = await perStepMs(run, steps);
  rows.push({ name, modelBatch, ms, referenceMs });
}

const course = courseSampler();
await bench("IF stage I, CFG γ=7, learned variance (course §1.6)", "2×3×64×64", course.numSteps, () =>
  sample({ denoiser: stubDenoiser(IF), sampler: course, noise: new Rng(1), condition: photo, guidanceScale: 7 }),
);
const thresholded = courseSampler({ thresholding: { ratio: 0.95, maxValue: 1.5 } });
await bench("IF stage I, CFG + dynamic thresholding", "2×3×64×64", thresholded.numSteps, () =>
  sample({ denoiser: stubDenoiser(IF), sampler: thresholded, noise: new Rng(1), condition: photo, guidanceScale: 7 }),
);
await bench("IF visual anagram, 2 views (course §1.8)", "4×3×64×64", course.numSteps, () =>
  visualAnagram({
    denoiser: stubDenoiser(IF),
    sampler: course,
    noise: new Rng(1),
    guidanceScale: 7,
    views: [
      { condition: photo, view: identityView() },
      { condition: { prompt: "a lithograph of a skull" }, view: flipView() },
    ],
  }),
);
await bench("IF hybrid, kernel 33 σ 2 (course §1.9)", "4×3×64×64", course.numSteps, () =>
  hybridImage({
    denoiser: stubDenoiser(IF),
    sampler: course,
    noise: new Rng(1),
    guidanceScale: 7,
    lowPassCondition: photo,
    highPassCondition: { prompt: "a lithograph of waterfalls" },
  }),
);
const flow = new FlowEulerSampler({ numSteps: 50 });
await bench(
  "MNIST flow, 40 samples, class CFG γ=5 (part B)",
  "80×1×28×28",
  flow.numSteps,
  () =>
    sample({
      denoiser: stubDenoiser(MNIST_FLOW),
      sampler: flow,
      noise: new Rng(1),
      condition: labels,
      guidanceScale: 5,
    }),
  MNIST_UNET_CPU_MS,
);
const ddpm = ancestralDdpmSampler();
await bench(
  "MNIST DDPM T=300, 40 samples, class CFG γ=5 (part B)",
  "80×1×28×28",
  ddpm.numSteps,
  () =>
    sample({
      denoiser: stubDenoiser(MNIST_EPS),
      sampler: ddpm,
      noise: new Rng(1),
      condition: labels,
      guidanceScale: 5,
    }),
  MNIST_UNET_CPU_MS,
);

const load = (await import("node:os")).loadavg()[0].toFixed(1);
console.log(
  `@diffusion-studio/core non-model overhead per step (node ${process.version}, median of 5 runs, 1-min load average ${load})\n`,
);
for (const r of rows) {
  const vs =
    r.referenceMs !== undefined
      ? `${((100 * r.ms) / r.referenceMs).toFixed(3)} % of the ${r.referenceMs} ms model call`
      : "no measured model call here";
  console.log(
    `${r.name.padEnd(54)} model batch ${r.modelBatch.padEnd(11)} ${r.ms.toFixed(2).padStart(6)} ms/step  ` +
      `(${vs}; stays < 5 % for any model call ≥ ${(20 * r.ms).toFixed(0)} ms)`,
  );
}
console.log(`
Model calls compared against:
- MNIST part B class-conditional UNet (D = 64, 2.02 M params), batch 80: ${MNIST_UNET_CPU_MS} ms on this machine's CPU
  (torch 2.15, 2 threads; tooling/scheduler-fixtures/model_call_time.py). An ORT/WebGPU call will be faster; the last
  column says how fast it could get before the 5 % target breaks.
- DeepFloyd IF stage I (IF-I-L, 900 M params) at batch 2 × 64×64: not measurable here (no weights, no GPU). It is a
  ~450× larger UNet than the MNIST one, so its call takes far longer than the break-even figures above.`);
