import { describe, expect, it } from "vitest";
import { createRng } from "../src/data/random.js";
import { fitGaussian, frechetDistance } from "../src/eval/frechet.js";

/** n samples of N(mean, diag(std²)) in `dim` dimensions. */
function samples(n: number, mean: number[], std: number[], seed: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(n * mean.length);
  for (let i = 0; i < n; i++)
    for (let d = 0; d < mean.length; d++) out[i * mean.length + d] = mean[d]! + std[d]! * rng.normal();
  return out;
}

describe("Fréchet distance", () => {
  it("fits mean and covariance", () => {
    const g = fitGaussian(Float64Array.of(1, 2, 3, 6), 2, 2);
    expect(Array.from(g.mean)).toEqual([2, 4]);
    expect(g.covariance.to2DArray()).toEqual([
      [2, 4],
      [4, 8],
    ]);
  });

  it("is zero for the same distribution and ‖Δμ‖² for a shifted copy", () => {
    const x = samples(2000, [0, 1, 2], [1, 2, 0.5], 1);
    const a = fitGaussian(x, 2000, 3);
    expect(frechetDistance(a, a)).toBeLessThan(1e-9);
    const shifted = fitGaussian(
      x.map((v, i) => v + [3, 0, -4][i % 3]!),
      2000,
      3,
    );
    expect(frechetDistance(a, shifted)).toBeCloseTo(25, 6);
  });

  it("matches the closed form Σ(√a − √b)² for diagonal covariances, and is symmetric", () => {
    // Four points (±σ1·s, 0), (0, ±σ2·s) with s = √(3/2) have covariance diag(σ1², σ2²) exactly.
    const s = Math.sqrt(1.5);
    const diag = (s1: number, s2: number) => fitGaussian([s1 * s, 0, -s1 * s, 0, 0, s2 * s, 0, -s2 * s], 4, 2);
    const a = diag(1, 3);
    const b = diag(2, 1);
    const cov = a.covariance.to2DArray();
    expect(cov.flat().map((v) => +v.toFixed(12))).toEqual([1, 0, 0, 9]);
    expect(frechetDistance(a, b)).toBeCloseTo((1 - 2) ** 2 + (3 - 1) ** 2, 10);
    expect(frechetDistance(b, a)).toBeCloseTo(frechetDistance(a, b), 12);
  });

  it("matches scipy.linalg.sqrtm on a correlated 2-D example", () => {
    // Σ1 = [[2, 1], [1, 2]], Σ2 = [[1, 0], [0, 4]], μ equal: Tr(Σ1 + Σ2) − 2·Tr(sqrtm(Σ1Σ2)).
    // Eigenvalues of Σ1Σ2 = [[2, 4], [1, 8]] are 5 ± √13, so Tr sqrtm = √(5+√13) + √(5−√13) = 4.116342…
    const g = ([[c11], [c21, c22]]: [[number, number], [number, number]]) => {
      // Four points with covariance c: ±(columns of the Cholesky factor)·√(3/2).
      const l11 = Math.sqrt(c11);
      const l21 = c21 / l11;
      const l22 = Math.sqrt(c22 - l21 * l21);
      const s = Math.sqrt(1.5);
      const pts = [l11 * s, l21 * s, -l11 * s, -l21 * s, 0, l22 * s, 0, -l22 * s];
      return fitGaussian(pts, 4, 2);
    };
    const expected = 4 + 5 - 2 * (Math.sqrt(5 + Math.sqrt(13)) + Math.sqrt(5 - Math.sqrt(13)));
    expect(
      frechetDistance(
        g([
          [2, 1],
          [1, 2],
        ]),
        g([
          [1, 0],
          [0, 4],
        ]),
      ),
    ).toBeCloseTo(expected, 10);
  });
});
