// Hourly series as a uPlot line chart (canvas; ~50 KB, fast for thousands of points).
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function HourlyChart(props: {
  title: string;
  hours: number[];
  series: Array<{ label: string; values: number[]; color: string }>;
  unit: (n: number) => string;
}) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = el.current;
    if (!box) return;
    const width = Math.max(280, box.clientWidth);
    const plot = new uPlot(
      {
        width,
        height: 200,
        // From 0 always; an all-zero series gets 0..4 (not uPlot's 0..100), so an idle gauge reads as idle.
        scales: { x: { time: true }, y: { range: (_u, _min, max) => (max > 0 ? uPlot.rangeNum(0, max, 0.1, true) : [0, 4]) } },
        axes: [{}, { values: (_u, ticks) => ticks.map(props.unit), size: 70 }],
        series: [
          {},
          ...props.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            fill: `${s.color}22`,
            value: (_u: uPlot, v: number | null) => (v == null ? '—' : props.unit(v)),
          })),
        ],
      },
      [props.hours, ...props.series.map((s) => s.values)],
      box,
    );
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(280, box.clientWidth), height: 200 }));
    ro.observe(box);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [JSON.stringify(props.hours), JSON.stringify(props.series.map((s) => s.values))]);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div
        ref={el}
        role="img"
        aria-label={`${props.title}: ${props.series.map((s) => `${s.label} ${props.unit(s.values.reduce((a, b) => a + b, 0))} in total`).join(', ')}`}
      />
    </figure>
  );
}
