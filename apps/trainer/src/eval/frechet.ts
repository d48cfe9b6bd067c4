import { EigenvalueDecomposition, Matrix } from "ml-matrix";

/** Mean and covariance (unbiased, n − 1) of `count` feature vectors of length `dim`, row-major. */
export interface Gaussian {
  readonly mean: Float64Array;
  readonly covariance: Matrix;
  readonly count: number;
}

export function fitGaussian(features: ArrayLike<number>, count: number, dim: number): Gaussian {
  if (count < 2) throw new RangeError(`fitGaussian needs at least 2 feature vectors, got ${count}`);
  const mean = new Float64Array(dim);
  for (let n = 0; n < count; n++) for (let d = 0; d < dim; d++) mean[d]! += features[n * dim + d]!;
  for (let d = 0; d < dim; d++) mean[d]! /= count;
  const cov = Matrix.zeros(dim, dim);
  const centred = new Float64Array(dim);
  for (let n = 0; n < count; n++) {
    for (let d = 0; d < dim; d++) centred[d] = features[n * dim + d]! - mean[d]!;
    for (let i = 0; i < dim; i++) {
      const ci = centred[i]!;
      for (let j = i; j < dim; j++) cov.set(i, j, cov.get(i, j) + ci * centred[j]!);
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = cov.get(i, j) / (count - 1);
      cov.set(i, j, v);
      cov.set(j, i, v);
    }
  }
  return { mean, covariance: cov, count };
}

/** The symmetric square root of a symmetric positive semi-definite matrix (negative rounding noise clipped to 0). */
function sqrtPsd(m: Matrix): Matrix {
  const eig = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const v = eig.eigenvectorMatrix;
  const roots = eig.realEigenvalues.map((lambda) => Math.sqrt(Math.max(lambda, 0)));
  return v.mmul(Matrix.diag(roots)).mmul(v.transpose());
}

/**
 * Fréchet distance between two Gaussians (the FID formula): ‖μ1 − μ2‖² + Tr(Σ1 + Σ2 − 2(Σ1Σ2)^½).
 * Tr((Σ1Σ2)^½) is computed as Tr((Σ1^½ Σ2 Σ1^½)^½), whose argument is symmetric PSD, so only symmetric
 * eigendecompositions are needed.
 */
export function frechetDistance(a: Gaussian, b: Gaussian): number {
  if (a.mean.length !== b.mean.length) {
    throw new RangeError(`frechetDistance: the Gaussians have ${a.mean.length} and ${b.mean.length} dimensions`);
  }
  let meanTerm = 0;
  for (let d = 0; d < a.mean.length; d++) meanTerm += (a.mean[d]! - b.mean[d]!) ** 2;
  const rootA = sqrtPsd(a.covariance);
  const inner = rootA.mmul(b.covariance).mmul(rootA);
  const symmetric = inner.add(inner.transpose()).mul(0.5);
  const eig = new EigenvalueDecomposition(symmetric, { assumeSymmetric: true });
  const traceSqrt = eig.realEigenvalues.reduce((s, lambda) => s + Math.sqrt(Math.max(lambda, 0)), 0);
  return Math.max(0, meanTerm + a.covariance.trace() + b.covariance.trace() - 2 * traceSqrt);
}
