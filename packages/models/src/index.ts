/** Public API of @diffusion-studio/models (browser-safe part: graph builder, architectures, checkpoints). */
export {};
