import { describe, expect, it } from 'vitest';
import { replaceSampleBlock, SAMPLE_END, SAMPLE_START, sampleBlock } from '../../../../sandbox/demo/sample-block.ts';
import { lastButton, normalizeSession } from '../../../../sandbox/demo/sample-session.ts';

describe('the recorded demo session', () => {
  it('replaces what differs between runs with stable stand-ins, the same id always with the same one', () => {
    const raw = [
      'Started redis-server (pid 29158, redis://127.0.0.1:38165).',
      'Request `R7W3QSVBN50`: waiting; card R7W3QSVBN50; next `RK2M4XH1ABC`   ',
      'Access ends by itself at *2026-12-02 07:42 UTC* (2h).',
      'Started the bot (pid 4); its logs go to /tmp/eks-access-demo-sample-x1/bot.log.',
    ].join('\n');

    expect(normalizeSession(raw)).toBe(
      [
        'Started redis-server (pid …, redis://127.0.0.1:…).',
        'Request `RSAMPLE0001`: waiting; card RSAMPLE0001; next `RSAMPLE0002`',
        'Access ends by itself at *YYYY-MM-DD hh:mm UTC* (2h).',
        'Started the bot (pid …); its logs go to .eks-access/demo/bot.log.',
      ].join('\n'),
    );
  });

  it('reads the number of the last button printed with a label, as a person reads it off the screen', () => {
    const transcript = "[2] Approve   [3] Deny\n[4] I'm done\n[10] Approve   [11] Deny\n";

    expect(lastButton('Approve')(transcript)).toBe(10);
    expect(lastButton("I'm done")(transcript)).toBe(4);
    expect(() => lastButton('Cancel request')(transcript)).toThrow(/no \[n\] Cancel request/);
  });

  it('writes the session between the markers and reads back exactly what it wrote', () => {
    const readme = `# Title\n\n${SAMPLE_START}\nold\n${SAMPLE_END}\n\nAfter.\n`;

    const written = replaceSampleBlock(readme, 'alice> hi\nreply');

    expect(sampleBlock(written)).toBe('alice> hi\nreply\n');
    expect(written.endsWith(`${SAMPLE_END}\n\nAfter.\n`)).toBe(true);
    expect(() => replaceSampleBlock('# no markers', 'x')).toThrow(/markers/);
  });
});
