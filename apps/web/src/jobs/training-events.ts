/** The trainer's run events, as they travel through the job log (the trainer's API module loads no ONNX Runtime). */
export type { RunEvent } from "@diffusion-studio/trainer/api";
