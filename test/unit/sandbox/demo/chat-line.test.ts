import { describe, expect, it } from 'vitest';
import { parseChatLine } from '../../../../sandbox/demo/chat-line.ts';

describe('a line typed into the terminal chat', () => {
  it.each([
    ['grant me view on prod-cluster', { kind: 'mention', text: 'grant me view on prod-cluster' }],
    [
      '   why am I unauthorized on legacy-cluster  ',
      { kind: 'mention', text: 'why am I unauthorized on legacy-cluster' },
    ],
    ['/eks why legacy-cluster', { kind: 'slash', text: 'why legacy-cluster' }],
    ['/eks', { kind: 'slash', text: '' }],
    ['/dm help', { kind: 'dm', text: 'help' }],
    ['/as Bob', { kind: 'as', persona: 'bob' }],
    ['/click 2', { kind: 'click', button: 2 }],
    ['/click [12]', { kind: 'click', button: 12 }],
    ['/help', { kind: 'help' }],
    ['/who', { kind: 'who' }],
    ['/state', { kind: 'state' }],
    ['/quit', { kind: 'quit' }],
    ['/exit', { kind: 'quit' }],
    ['/fill 1 not during the freeze', { kind: 'fill', field: 1, text: 'not during the freeze' }],
    ['/fill (2) first\\nsecond', { kind: 'fill', field: 2, text: 'first\nsecond' }],
    ['/fill 1', { kind: 'fill', field: 1, text: '' }],
    ['/submit', { kind: 'submit' }],
    ['/close', { kind: 'close' }],
    ['/QUIT', { kind: 'quit' }],
    ['', { kind: 'empty' }],
    ['   ', { kind: 'empty' }],
  ])('%j', (line, expected) => {
    expect(parseChatLine(line)).toEqual(expected);
  });

  it.each([
    ['/click', /button number/],
    ['/click two', /button number/],
    ['/click 0', /button number/],
    ['/click 1.5', /button number/],
    ['/click -1', /button number/],
    ['/as', /Say who/],
    ['/as alice bob', /Say who/],
    ['/dm', /after \/dm/],
    ['/quit now', /takes nothing/],
    ['/fill', /field number/],
    ['/fill reason text', /field number/],
    ['/fill 0 text', /field number/],
    ['/submit now', /takes nothing/],
    ['/frobnicate', /Unknown command \/frobnicate/],
  ])('%j is refused with a reason', (line, problem) => {
    const parsed = parseChatLine(line);

    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' ? parsed.problem : '').toMatch(problem);
  });
});
