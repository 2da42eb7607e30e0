// For specs: a palette as the dark theme resolves it.
import type { ThemeColours } from './theme-colours';

/** A dark palette unlike the light fallback in every entry. */
export const DARK: ThemeColours = {
  allow: '#81c784',
  review: '#ffb74d',
  prevent: '#ff8a80',
  neutral: '#b0bec5',
  primary: '#abc7ff',
  tertiary: '#ffb870',
  text: '#e3e2e6',
  mutedText: '#c4c6d0',
  line: '#44474e',
  surface: '#292a2d',
};
