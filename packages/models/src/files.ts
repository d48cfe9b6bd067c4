/**
 * Node entry without ONNX Runtime: what a server needs to inspect model files before any session is opened.
 */
export { MANIFEST_FILE as DEEPFLOYD_MANIFEST_FILE, readDeepFloydManifest } from "./deepfloyd/files.js";
export { CARD_JSON_FILE, readModelCardFile, recordedSamplingBeside } from "./sampling/recorded-sampling.js";
