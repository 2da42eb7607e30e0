// Keyboard shortcuts for the whole shell. The key reading is a small state machine (`g` then `q`
// is one command) kept apart from what the commands do, so it can be tested without a DOM.

export type ShortcutCommand = 'focusSearch' | 'next' | 'previous' | 'open' | 'goQueue' | 'goSearch' | 'help';

/** Every shortcut, as the `?` dialog lists them. */
export const SHORTCUTS: { keys: string[]; does: string }[] = [
  { keys: ['/'], does: 'Focus the search box (opens Search if needed)' },
  { keys: ['j'], does: 'Next row in a list' },
  { keys: ['k'], does: 'Previous row in a list' },
  { keys: ['Enter'], does: 'Open the row selected with j / k' },
  { keys: ['g', 'q'], does: 'Go to the queue' },
  { keys: ['g', 's'], does: 'Go to search' },
  { keys: ['?'], does: 'Show this list' },
];

/** How long after `g` its second key still counts. */
export const CHORD_MS = 1_000;

/** True when keys belong to what the person is typing: text fields, selects, editable content, open menus. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(target.type);
  }
  // Material selects, listboxes and menus handle their own letters and arrows.
  return target.closest('[role="listbox"], [role="combobox"], [role="menu"], [role="dialog"]') !== null;
}

export class ShortcutKeys {
  private chordAt: number | undefined;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** The command for this key press, if any; undefined lets the browser do its usual thing. */
  read(event: Pick<KeyboardEvent, 'key' | 'target' | 'ctrlKey' | 'metaKey' | 'altKey'>): ShortcutCommand | undefined {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) {
      this.chordAt = undefined;
      return undefined;
    }
    const chord = this.chordAt !== undefined && this.now() - this.chordAt <= CHORD_MS;
    this.chordAt = undefined;
    if (chord) {
      if (event.key === 'q') return 'goQueue';
      if (event.key === 's') return 'goSearch';
    }
    switch (event.key) {
      case 'g':
        this.chordAt = this.now();
        return undefined;
      case '/':
        return 'focusSearch';
      case '?':
        return 'help';
      case 'j':
        return 'next';
      case 'k':
        return 'previous';
      case 'Enter':
        // Enter already activates links and buttons; only a row picked with j / k is ours.
        return event.target instanceof HTMLElement && event.target.hasAttribute('data-nav-row') ? 'open' : undefined;
      default:
        return undefined;
    }
  }
}
