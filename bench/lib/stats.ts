/** Summaries of repeated measurements: the median, and the spread as min–max. */

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Each measurement, in order. */
  samples: number[];
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export function summarize(samples: readonly number[]): Summary {
  return { median: quantile(samples, 0.5), min: Math.min(...samples), max: Math.max(...samples), samples: [...samples] };
}

export type Unit = 'ms' | 'MB' | 'deltas/s' | 'KB';

/** "12.3 ms (11.9–13.0)" */
export function formatSummary(summary: Summary, unit: Unit): string {
  const value = (n: number) => formatNumber(n, unit);
  const spread = summary.samples.length > 1 ? ` (${value(summary.min)}–${value(summary.max)})` : '';
  return `${value(summary.median)} ${unit}${spread}`;
}

function formatNumber(n: number, unit: Unit): string {
  if (!Number.isFinite(n)) return String(n);
  if (unit === 'deltas/s') return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}
