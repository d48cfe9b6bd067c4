import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { PixelImage } from "../src/index.js";

describe("PixelImage", () => {
  it("renders an enlarged image with crisp pixels", () => {
    const html = renderToStaticMarkup(<PixelImage src="/a.png" alt="digit 7" size={140} />);
    expect(html).toContain('alt="digit 7"');
    expect(html).toContain('width="140"');
    expect(html).toContain("image-rendering:pixelated");
  });
});

describe("PixelImage with its natural aspect ratio", () => {
  it("fixes only the width, so a 10×4 sample grid is not squashed into a square", () => {
    const html = renderToStaticMarkup(<PixelImage src="/grid.png" alt="grid" size={320} fit="natural" />);
    expect(html).toContain('width="320"');
    expect(html).not.toContain("height=");
    expect(html).toContain("height:auto");
  });
});
