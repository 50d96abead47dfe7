import { ConfigError, parseConfig } from '../../src/config/load.ts';

/** The problems a config text is refused with; none when it is accepted. */
export function problemsOf(text: string): readonly string[] {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
