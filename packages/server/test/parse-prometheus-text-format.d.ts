// The package ships no types; the metrics tests read only these fields of what it returns.
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): { name: string; type: string; metrics: { value?: string; labels?: Record<string, string> }[] }[];
}
