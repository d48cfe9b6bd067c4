/** Programmatic API of @diffusion-studio/trainer: start, watch and list part B training runs. */
export {};
