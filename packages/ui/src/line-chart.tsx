"use client";

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface LineSeries {
  label: string;
  /** y values aligned with the chart's x values; null leaves a gap. */
  values: (number | null)[];
  color: string;
}

export interface LineChartProps {
  x: number[];
  series: LineSeries[];
  xLabel: string;
  yLabel: string;
  /** Log scale suits training losses that fall by orders of magnitude. */
  logY?: boolean;
  height?: number;
}

/** A live-updating line chart (training loss per step, several runs side by side), drawn by uPlot. */
export function LineChart({ x, series, xLabel, yLabel, logY = false, height = 260 }: LineChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join("|") + String(logY);

  // Rebuild when the set of series changes; otherwise only the data is swapped (cheap, keeps zoom).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shape` summarises the series that matter here
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const axis = { stroke: "#a3a3a3", grid: { stroke: "#262626" }, ticks: { stroke: "#404040" } };
    const u = new uPlot(
      {
        width: el.clientWidth || 600,
        height,
        scales: { x: { time: false }, y: logY ? { distr: 3 } : {} },
        axes: [
          { ...axis, label: xLabel },
          { ...axis, label: yLabel, size: 60 },
        ],
        legend: { show: true },
        series: [
          { label: xLabel },
          ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: true })),
        ],
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape, height, xLabel, yLabel]);

  useEffect(() => {
    plot.current?.setData([x, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [x, series]);

  return <div ref={host} className="w-full text-neutral-300" data-testid="line-chart" />;
}
