import { join, type Rich, type Span, type Text } from './rich.ts';

/**
 * Items joined with ", ", or `whenEmpty` when there are none: a sentence that ends in a list ("Approvers: .")
 * must still read as a sentence when the list is empty.
 */
export function listOr(items: readonly (Text | Span)[], whenEmpty: string): Rich {
  return items.length === 0 ? [whenEmpty] : join(items, ', ');
}
