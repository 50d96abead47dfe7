import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Use cases decide; core/messages words, and each chat adapter renders. So no text a use case writes carries a chat
 * platform's markup: no mentions, channel links or broadcasts (`<@…>`, `<#…>`, `<!…>`), no emoji codes, no
 * entities, no `*bold*`, and no Slack escaping helper. Only string and template literals are read (comments may
 * quote markup to explain it).
 */
const USECASES = resolve(import.meta.dirname, '../../../src/usecases');

const MARKUP: readonly { what: string; pattern: RegExp }[] = [
  { what: 'a mention, channel link or broadcast', pattern: /<[@#!]/ },
  { what: 'an emoji code', pattern: /(^|[\s(]):[a-z0-9_+-]+:(?=[\s.,;:)]|$)/ },
  { what: 'an HTML entity', pattern: /&(amp|lt|gt);/ },
  { what: 'bold', pattern: /(^|\s)\*[^\s*`][^*`]*\*(?=\s|$|[.,:;)'])/ },
];
/** Slack's escaping and mention helpers: a use case that needs them is writing mrkdwn. */
const SLACK_HELPERS = new Set(['escapeUserText', 'mention']);

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Each piece of chat markup in the source's literals, and each use of a Slack escaping helper, with its line. */
function chatMarkupIn(source: string): string[] {
  const file = ts.createSourceFile('source.ts', source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const line = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const visit = (node: ts.Node) => {
    const text = literalText(node);
    if (text !== undefined) {
      for (const { what, pattern } of MARKUP) {
        if (pattern.test(text)) found.push(`line ${line(node)}: ${what} in ${JSON.stringify(text)}`);
      }
      // A template's pieces were read as one text (each `${…}` as x): markup may span them.
      if (ts.isTemplateExpression(node)) return;
    } else if (ts.isIdentifier(node) && SLACK_HELPERS.has(node.text) && isFromEscape(node)) {
      found.push(`line ${line(node)}: ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;

  function literalText(node: ts.Node): string | undefined {
    // Import paths are not text anyone reads.
    if (!node.parent || ts.isImportDeclaration(node.parent)) return undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isTemplateExpression(node))
      return node.head.text + node.templateSpans.map((span) => `x${span.literal.text}`).join('');
    return undefined;
  }

  function isFromEscape(node: ts.Identifier): boolean {
    // `mention` is a common word; it counts only when imported from a Slack escaping module.
    if (node.text === 'escapeUserText') return true;
    return file.statements.some(
      (s) =>
        ts.isImportDeclaration(s) &&
        ts.isStringLiteral(s.moduleSpecifier) &&
        /escape|mrkdwn|slack/.test(s.moduleSpecifier.text) &&
        s.importClause?.namedBindings !== undefined &&
        ts.isNamedImports(s.importClause.namedBindings) &&
        s.importClause.namedBindings.elements.some((e) => e.name.text === node.text),
    );
  }
}

describe('use cases write no chat markup', () => {
  const files = listFiles(USECASES);

  it('finds the use cases', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(files.map((f) => [relative(USECASES, f), f] as const))('%s has none', (_, file) => {
    expect(chatMarkupIn(readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('catches each kind of markup, and leaves comments, ARNs and plain sentences alone', () => {
    const planted = [
      "import { escapeUserText, mention } from '../../core/messages/escape.ts';",
      '// a comment may say <@U123> and :bell: and *bold*',
      'const a = `:bell: Reminder for ${who}`;',
      "const b = 'ask <!here>';",
      'const c = `see <#${channel}>`;',
      'const d = `hi <@${user}>`;',
      "const e = 'Tom &amp; Jerry';",
      'const f = `grant *${level}* now`;',
      "const g = 'a *view* grant';",
      'const h = escapeUserText(x, 10) + mention(y);',
      "const ok = 'arn:aws:iam::111122223333:role/dev'; const fine = `2 * ${n} items, a:b`;",
    ].join('\n');

    expect(chatMarkupIn(planted)).toEqual([
      'line 1: escapeUserText',
      'line 1: mention',
      'line 3: an emoji code in ":bell: Reminder for x"',
      'line 4: a mention, channel link or broadcast in "ask <!here>"',
      'line 5: a mention, channel link or broadcast in "see <#x>"',
      'line 6: a mention, channel link or broadcast in "hi <@x>"',
      'line 7: an HTML entity in "Tom &amp; Jerry"',
      'line 8: bold in "grant *x* now"',
      'line 9: bold in "a *view* grant"',
      'line 10: escapeUserText',
      'line 10: mention',
    ]);
  });
});
