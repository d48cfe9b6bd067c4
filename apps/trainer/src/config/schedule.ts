import type { ScheduleConfig } from "@diffusion-studio/core";
import type { DdpmSchedule } from "./schema.js";

/** A ddpm experiment's schedule as core's ScheduleConfig (what samplers and model cards take). */
export function coreSchedule(schedule: DdpmSchedule): ScheduleConfig {
  return schedule.kind === "linear"
    ? ({
        type: "linear",
        numTrainTimesteps: schedule.T,
        betaStart: schedule.betaStart,
        betaEnd: schedule.betaEnd,
      } as const)
    : ({ type: "squaredcos_cap_v2", numTrainTimesteps: schedule.T } as const);
}
