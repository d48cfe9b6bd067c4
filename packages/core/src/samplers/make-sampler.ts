import { assertNever } from "../errors.js";
import { type FlowEulerConfig, FlowEulerSampler } from "./flow-euler.js";
import type { Sampler } from "./sampler.js";
import { type StridedDdpmConfig, StridedDdpmSampler } from "./strided-ddpm.js";

/** A sampler as JSON (what `sampler.toJSON()` returns), so a run or gallery item records how it was made. */
export type SamplerConfig =
  | ({ readonly type: "strided-ddpm" } & StridedDdpmConfig)
  | ({ readonly type: "flow-euler" } & FlowEulerConfig);

/** Rebuilds a sampler from its JSON config. */
export function makeSampler(config: SamplerConfig): Sampler {
  switch (config.type) {
    case "strided-ddpm":
      return new StridedDdpmSampler(config);
    case "flow-euler":
      return new FlowEulerSampler(config);
    default:
      return assertNever("sampler.type", config);
  }
}
