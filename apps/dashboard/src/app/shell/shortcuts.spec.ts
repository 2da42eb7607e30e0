import { CHORD_MS, ShortcutKeys, isTyping } from './shortcuts';

function key(key: string, target: EventTarget | null = document.body, mods: Partial<KeyboardEvent> = {}) {
  return { key, target, ctrlKey: false, metaKey: false, altKey: false, ...mods };
}

describe('ShortcutKeys', () => {
  it('maps single keys and the g chords to commands', () => {
    const keys = new ShortcutKeys();
    expect(keys.read(key('/'))).toBe('focusSearch');
    expect(keys.read(key('?'))).toBe('help');
    expect(keys.read(key('j'))).toBe('next');
    expect(keys.read(key('k'))).toBe('previous');
    expect(keys.read(key('g'))).toBeUndefined();
    expect(keys.read(key('q'))).toBe('goQueue');
    expect(keys.read(key('g'))).toBeUndefined();
    expect(keys.read(key('s'))).toBe('goSearch');
    expect(keys.read(key('q'))).toBeUndefined();
    expect(keys.read(key('x'))).toBeUndefined();
  });

  it('forgets a g after a pause or another key', () => {
    let now = 0;
    const keys = new ShortcutKeys(() => now);
    keys.read(key('g'));
    now += CHORD_MS + 1;
    expect(keys.read(key('q'))).toBeUndefined();
    keys.read(key('g'));
    keys.read(key('x'));
    expect(keys.read(key('s'))).toBeUndefined();
  });

  it('never fires inside a text field, a select or with a modifier', () => {
    const keys = new ShortcutKeys();
    const input = document.createElement('input');
    const textarea = document.createElement('textarea');
    const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox' });
    expect(keys.read(key('/', input))).toBeUndefined();
    expect(keys.read(key('j', textarea))).toBeUndefined();
    expect(keys.read(key('g', input))).toBeUndefined();
    expect(keys.read(key('q'))).toBeUndefined();
    expect(keys.read(key('j', checkbox))).toBe('next');
    expect(keys.read(key('k', document.body, { ctrlKey: true }))).toBeUndefined();
    const combobox = document.createElement('div');
    combobox.setAttribute('role', 'combobox');
    expect(isTyping(combobox)).toBe(true);
  });

  it('opens only rows picked with j / k on Enter, leaving links and buttons to the browser', () => {
    const keys = new ShortcutKeys();
    const row = document.createElement('tr');
    row.setAttribute('data-nav-row', '');
    expect(keys.read(key('Enter', row))).toBe('open');
    expect(keys.read(key('Enter', document.createElement('a')))).toBeUndefined();
  });
});
