/** "Chrome on Linux", "Safari on iPhone", "curl" — enough to recognise one's own devices, no library needed. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = browserName(userAgent);
  const os = systemName(userAgent);
  if (browser && os) return `${browser} on ${os}`;
  if (browser || os) return (browser ?? os)!;
  const tool = /^([A-Za-z][\w.-]*)\//.exec(userAgent)?.[1];
  return tool && tool !== 'Mozilla' ? tool : 'Unknown device';
}

function browserName(ua: string): string | null {
  if (/\bEdg(A|iOS)?\//.test(ua)) return 'Edge';
  if (/\b(OPR|Opera)\//.test(ua)) return 'Opera';
  if (/\bSamsungBrowser\//.test(ua)) return 'Samsung Internet';
  if (/\b(Firefox|FxiOS)\//.test(ua)) return 'Firefox';
  if (/\b(HeadlessChrome|Chrome|Chromium|CriOS)\//.test(ua)) return 'Chrome';
  if (/\bVersion\/[\d.]+.*Safari\//.test(ua)) return 'Safari';
  return null;
}

function systemName(ua: string): string | null {
  if (/\biPhone\b/.test(ua)) return 'iPhone';
  if (/\biPad\b/.test(ua)) return 'iPad';
  if (/\bAndroid\b/.test(ua)) return 'Android';
  if (/\bCrOS\b/.test(ua)) return 'ChromeOS';
  if (/\bWindows\b/.test(ua)) return 'Windows';
  if (/\bMac OS X\b|\bMacintosh\b/.test(ua)) return 'macOS';
  if (/\bLinux\b/.test(ua)) return 'Linux';
  return null;
}
