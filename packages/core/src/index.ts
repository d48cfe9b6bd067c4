/** Public API of @diffusion-studio/core. Everything a consumer may import is re-exported here. */
export { mulberry32 } from "./random.js";
