/** Public API of @diffusion-studio/ui. */
export { PixelImage, type PixelImageProps } from "./pixel-image.js";
