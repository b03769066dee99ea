// One uPlot time-series chart. Created once per chart and fed with setData on every refresh (so a live
// update just moves the lines on), sized to its box. Series differ by dash as well as colour, and the
// legend names them, so colour is never the only cue.
import uPlot from "uplot";
import { useEffect, useRef } from "preact/hooks";

export interface ChartSeries {
  label: string;
  color: string;
  dash?: number[];
  values: (number | null)[];
  format: (v: number) => string;
}

export interface ChartProps {
  title: string;
  times: number[];
  series: ChartSeries[];
  height?: number;
  /** A text summary for screen readers (the latest values). */
  summary: string;
}

export default function Chart({ title, times, series, height = 200, summary }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>();
  const shape = series.map((s) => s.label).join("|");

  useEffect(() => {
    const element = box.current!;
    const text = getComputedStyle(element).color;
    const grid = "rgba(128,128,128,0.25)";
    const options: uPlot.Options = {
      width: Math.max(260, element.clientWidth),
      height,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid } },
        { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid }, size: 60, values: (_u, ticks) => ticks.map((t) => series[0]?.format(t) ?? String(t)) },
      ],
      series: [
        { label: "Time" },
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dash, points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? "—" : s.format(v)) })),
      ],
    };
    plot.current = new uPlot(options, [times, ...series.map((s) => s.values)] as uPlot.AlignedData, element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(260, element.clientWidth), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData([times, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [times, series]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} class="chart-box" role="img" aria-label={`${title}. ${summary}`} />
    </figure>
  );
}
