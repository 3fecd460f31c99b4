// Test-only: scrape a metrics endpoint and read it with a real Prometheus text-format parser.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

interface Sample {
  value?: string;
  labels?: Record<string, string>;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}

const parse = parsePrometheusTextFormat as (text: string) => Family[];

export interface Scrape {
  /** The declared TYPE of a family: COUNTER, GAUGE, HISTOGRAM… */
  type(name: string): string;
  /** Every sample of a series name, with its labels. */
  samples(name: string): Sample[];
  /** The value of the sample whose labels are exactly `labels`; a series never written reads as 0, as in Prometheus. */
  value(name: string, labels?: Record<string, string>): number;
  /** One histogram series: its `_count`, `_sum` and cumulative buckets by `le`. */
  histogram(name: string, labels: Record<string, string>): { count: number; sum: number; buckets: Record<string, number> };
}

export async function scrape(url: string, token?: string): Promise<Scrape> {
  const response = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`scrape answered ${response.status}`);
  const text = await response.text();
  const types = new Map(parse(text).map((family) => [family.name, family.type]));
  // The parser folds every series of a histogram family into one object, losing their labels; declared untyped,
  // its `_bucket`, `_sum` and `_count` lines come back as plain samples with their labels intact.
  const series = new Map<string, Sample[]>();
  for (const family of parse(text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped'))) {
    series.set(family.name, [...(series.get(family.name) ?? []), ...family.metrics]);
  }
  const exactly = (labels: Record<string, string>) => {
    const wanted = JSON.stringify(Object.entries(labels).sort());
    return (sample: Sample) => JSON.stringify(Object.entries(sample.labels ?? {}).sort()) === wanted;
  };
  const samples = (name: string): Sample[] => {
    const found = series.get(name);
    if (found === undefined) throw new Error(`no series ${name} in the scrape`);
    return found;
  };
  const value = (name: string, labels: Record<string, string> = {}): number => Number(samples(name).find(exactly(labels))?.value ?? 0);
  return {
    type: (name) => {
      const type = types.get(name);
      if (type === undefined) throw new Error(`no metric ${name} in the scrape`);
      return type;
    },
    samples,
    value,
    histogram: (name, labels) => {
      const buckets: Record<string, number> = {};
      for (const sample of samples(`${name}_bucket`)) {
        const { le, ...rest } = sample.labels ?? {};
        if (le !== undefined && exactly(labels)({ labels: rest })) buckets[le] = Number(sample.value);
      }
      return { count: value(`${name}_count`, labels), sum: value(`${name}_sum`, labels), buckets };
    },
  };
}
