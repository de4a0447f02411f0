'use client';
// The report's two charts (Recharts: SVG, so they print sharp and scale to
// the page). Animation is off: a report is read, and printed, as it is.
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Report } from '@/api/report';

type Day = Report['daily'][number];

export const STANDING_COLORS = {
  done: '#059669',
  inProgress: '#0284c7',
  failed: '#dc2626',
  notStarted: '#94a3b8',
} as const;

const STANDINGS = [
  ['done', 'done'],
  ['inProgress', 'in progress'],
  ['failed', 'failed'],
  ['notStarted', 'not started'],
] as const;

const shortDay = (day: string) => day.slice(5);

// the legend in the order of the stack, not alphabetical (Recharts' default)
const STANDING_ORDER: string[] = STANDINGS.map(([key]) => key);
const byStanding = (item: { dataKey?: unknown }) => STANDING_ORDER.indexOf(String(item.dataKey));

export function ProgressChart({ daily }: { daily: Day[] }) {
  return (
    <figure
      data-testid="progress-chart"
      role="img"
      aria-label="Containers done, in progress, failed and not started at the end of each day"
    >
      <ResponsiveContainer width="100%" height={280}>
        <AreaChart data={daily} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="day" tickFormatter={shortDay} fontSize={12} minTickGap={16} />
          <YAxis allowDecimals={false} fontSize={12} width={48} />
          <Tooltip />
          <Legend itemSorter={byStanding} />
          {STANDINGS.map(([key, name]) => (
            <Area
              key={key}
              type="stepAfter"
              dataKey={key}
              name={name}
              stackId="standing"
              stroke={STANDING_COLORS[key]}
              fill={STANDING_COLORS[key]}
              fillOpacity={0.7}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function ThroughputChart({ daily }: { daily: Day[] }) {
  return (
    <figure data-testid="throughput-chart" role="img" aria-label="Containers migrated and failed per day">
      <ResponsiveContainer width="100%" height={200}>
        <BarChart data={daily} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="day" tickFormatter={shortDay} fontSize={12} minTickGap={16} />
          <YAxis allowDecimals={false} fontSize={12} width={48} />
          <Tooltip />
          <Legend itemSorter={null} />
          <Bar dataKey="migrated" name="migrated" fill={STANDING_COLORS.done} isAnimationActive={false} />
          <Bar dataKey="failedThatDay" name="failed" fill={STANDING_COLORS.failed} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
