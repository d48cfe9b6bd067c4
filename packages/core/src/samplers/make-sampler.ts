import { assertNever } from "../errors.js";
import { type DdimConfig, DdimSampler } from "./ddim.js";
import { type DpmSolverConfig, DpmSolverSampler } from "./dpm-solver.js";
import { type FlowDpmSolverConfig, FlowDpmSolverSampler } from "./flow-dpm-solver.js";
import { type FlowEulerConfig, FlowEulerSampler } from "./flow-euler.js";
import { type FlowHeunConfig, FlowHeunSampler } from "./flow-heun.js";
import type { Sampler } from "./sampler.js";
import { type StridedDdpmConfig, StridedDdpmSampler } from "./strided-ddpm.js";

/** A sampler as JSON (what `sampler.toJSON()` returns), so a run or gallery item records how it was made. */
export type SamplerConfig =
  | ({ readonly type: "strided-ddpm" } & StridedDdpmConfig)
  | ({ readonly type: "ddim" } & DdimConfig)
  | ({ readonly type: "dpm-solver" } & DpmSolverConfig)
  | ({ readonly type: "flow-euler" } & FlowEulerConfig)
  | ({ readonly type: "flow-heun" } & FlowHeunConfig)
  | ({ readonly type: "flow-dpm-solver" } & FlowDpmSolverConfig);

/** Rebuilds a sampler from its JSON config. */
export function makeSampler(config: SamplerConfig): Sampler {
  switch (config.type) {
    case "strided-ddpm":
      return new StridedDdpmSampler(config);
    case "ddim":
      return new DdimSampler(config);
    case "dpm-solver":
      return new DpmSolverSampler(config);
    case "flow-euler":
      return new FlowEulerSampler(config);
    case "flow-heun":
      return new FlowHeunSampler(config);
    case "flow-dpm-solver":
      return new FlowDpmSolverSampler(config);
    default:
      return assertNever("sampler.type", config);
  }
}
