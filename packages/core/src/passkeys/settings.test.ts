import { describe, expect, it } from 'vitest';
import { passkeySettingsProblems } from './settings.js';

describe('passkeySettingsProblems', () => {
  it('accepts localhost over http and a domain shared by https origins on its subdomains', () => {
    expect(passkeySettingsProblems({ rpId: 'localhost', rpName: 'x', origins: ['http://localhost:3000'] })).toEqual([]);
    expect(passkeySettingsProblems({ rpId: 'example.com', rpName: 'x', origins: ['https://example.com', 'https://app.example.com:8443'] })).toEqual([]);
  });

  it.each([
    [{ rpId: 'Example.com', origins: ['https://example.com'] }, 'is not a lower-case domain name'],
    [{ rpId: '127.0.0.1', origins: ['https://127.0.0.1'] }, 'is an IP address'],
    [{ rpId: 'example.com', origins: [] }, 'at least one origin'],
    [{ rpId: 'example.com', origins: ['http://example.com'] }, 'neither https nor http://localhost'],
    [{ rpId: 'example.com', origins: ['https://example.org'] }, 'is not on the RP ID'],
    [{ rpId: 'example.com', origins: ['https://notexample.com'] }, 'is not on the RP ID'],
    [{ rpId: 'example.com', origins: ['https://example.com/'] }, 'is not an origin'],
    [{ rpId: 'example.com', origins: ['https://example.com'], challengeTtlSeconds: 5 }, 'challenge lifetime'],
  ])('refuses %j, first saying it %s', (settings, problem) => {
    const problems = passkeySettingsProblems({ rpName: 'x', ...settings });
    expect(problems[0]).toContain(problem);
  });
});
