/**
 * Items joined with ", ", or `whenEmpty` when there are none: a sentence that ends in a list ("Approvers: .")
 * must still read as a sentence when the list is empty.
 */
export function listOr(items: readonly string[], whenEmpty: string): string {
  return items.length === 0 ? whenEmpty : items.join(', ');
}
