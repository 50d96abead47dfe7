import { afterAll, beforeAll } from 'vitest';
import { type BotProcess, spawnBot } from './bot-process.ts';
import { type E2eSandbox, type SandboxOptions, startE2eSandbox } from './e2e-sandbox.ts';

/**
 * For a test file: the fakes, then the bot (`eks-access start`) against them, stopped after the file's last test.
 * `onReady` receives the sandbox, so tests keep a plain `sandbox` variable.
 */
export function useRunningBot(
  onReady: (sandbox: E2eSandbox) => void,
  options: SandboxOptions & { env?: NodeJS.ProcessEnv } = {},
): void {
  let sandbox: E2eSandbox | undefined;
  let bot: BotProcess | undefined;
  beforeAll(async () => {
    sandbox = await startE2eSandbox(options);
    bot = spawnBot(['start'], { ...sandbox.env, ...options.env });
    // Start-up compiles the sources through tsx; on a loaded shared machine that alone can take 20 s.
    await bot.waitForOutput(/eks-access is running/, 60_000);
    onReady(sandbox);
  }, 90_000); // a loaded machine can take most of a minute to start the fakes and the bot
  afterAll(async () => {
    await bot?.kill('SIGTERM');
    await sandbox?.close();
  });
}
