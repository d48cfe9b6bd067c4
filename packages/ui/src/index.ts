/** Public API of @diffusion-studio/ui. */
export { Badge, type BadgeTone } from "./badge.js";
export { Button, type ButtonProps, type ButtonVariant } from "./button.js";
export { cx } from "./cx.js";
export { Field, type FieldProps, Select, TextArea, TextInput } from "./field.js";
export { FormStack, type FormStackProps } from "./form-stack.js";
export { ImageTile, type ImageTileProps } from "./image-tile.js";
export { LineChart, type LineChartProps, type LineSeries } from "./line-chart.js";
export { Notice, type NoticeProps, type NoticeTone } from "./notice.js";
export { PaintCanvas, type PaintCanvasHandle, type PaintCanvasProps, type PaintTool } from "./paint-canvas.js";
export { Panel, type PanelProps } from "./panel.js";
export { PixelImage, type PixelImageProps } from "./pixel-image.js";
export { ProgressBar } from "./progress-bar.js";
