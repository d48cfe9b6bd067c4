/**
 * Display size of a result tile: small images (MNIST's 28²) enlarged to `base`, 64² (DeepFloyd IF stage I) at 2×
 * with crisp pixels, larger ones (stage II's 256²) at their own size.
 */
export function tileSize(width: number, base: number): number {
  if (width < 64) return base;
  return width < base ? 2 * width : Math.min(width, 256);
}
