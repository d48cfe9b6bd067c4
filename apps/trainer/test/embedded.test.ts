import fs from "node:fs";
import { readModelCard } from "@diffusion-studio/models";
import { describe, expect, it } from "vitest";
import { embeddedModels } from "../src/api/embedded.js";

describe("embedded default models", () => {
  const models = embeddedModels();

  it("lists every committed model folder with its ONNX and model card", () => {
    const ids = models.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining(["classifier", "flow-class-d64", "flow-class-d32", "flow-time-d32", "flow-time-d64"]),
    );
    for (const model of models) {
      expect(fs.statSync(model.onnx).size).toBeGreaterThan(100_000);
      expect(model.modelCard && fs.readFileSync(model.modelCard, "utf8")).toMatch(/^# /);
    }
  });

  it("carries an engine card in each ONNX that matches the folder's experiment", () => {
    for (const model of models) {
      const card = readModelCard(new Uint8Array(fs.readFileSync(model.onnx)));
      expect(card.format).toBe("diffusion-studio.model/1");
      expect(model.id.startsWith(card.kind), `${model.id} holds a ${card.kind} model`).toBe(true);
      // A "-d64" suffix promises the width the portal ranks by.
      const width = /-d(\d+)$/.exec(model.id)?.[1];
      if (width) expect(card.D, `${model.id} has width D=${card.D}`).toBe(Number(width));
    }
  });

  it("finds nothing in a directory that does not exist", () => {
    expect(embeddedModels("/nonexistent/models")).toEqual([]);
  });
});
