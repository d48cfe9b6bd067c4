/** A batch of images: float32 values in NCHW order. The only tensor type the samplers need. */
export interface ImageBatch {
  readonly data: Float32Array;
  /** [batch, channels, height, width] */
  readonly shape: readonly [number, number, number, number];
}
