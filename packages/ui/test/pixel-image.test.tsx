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
