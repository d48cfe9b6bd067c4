import { resolveConfig } from "./src/config/resolve.js";
import { createRunDir } from "./src/run/run-dir.js";
import { runTraining } from "./src/train/run.js";

const name = process.argv[2] ?? "flow-class";
const over = JSON.parse(process.argv[3] ?? "{}");
const dir = `/tmp/tr/runs/${name}-${Date.now()}`;
createRunDir(dir, resolveConfig(name, over));
const t0 = Date.now();
const out = await runTraining({
  dir,
  threads: 2,
  onEvent: (e) => {
    if (e.type !== "step" && e.type !== "checkpoint") console.log(JSON.stringify(e).slice(0, 300));
    else if (e.type === "step") console.log(e.step, e.loss.toFixed(4), e.imagesPerSecond.toFixed(0));
  },
});
console.log(out, dir, (Date.now() - t0) / 1000);
