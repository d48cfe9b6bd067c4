"""Export DeepFloyd IF (stages I and II) from local diffusers snapshots to ONNX for Diffusion Studio."""

FORMAT_NAME = "diffusion-studio/deepfloyd-if"
FORMAT_VERSION = 1
